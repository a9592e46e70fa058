// The write flags every writing verb shares (--dry-run[=client|server], --yes, --wait/--no-wait,
// --timeout), checked on each of them as the whole Options object, so a verb that dropped one or
// parsed it differently fails here. Verbs that do not write refuse them as unknown flags.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOpts, usage } from '../../helpers/parse-verb.js';
import type { WriteFlags } from '../../../src/commands/write-flags.js';
import { rolloutDefaults } from './rollout-defaults.js';

const WRITE: WriteFlags = { yes: false, wait: true, timeout: '5m' };

/** Each writing verb's Options for `bgctl VERB hello` with these write flags. */
const WRITERS: Record<string, (write: WriteFlags) => unknown> = {
  rollout: (write) => rolloutDefaults({ write }),
  pin: (write) => ({ service: 'hello', revision: undefined, takeOver: false, write }),
  deploy: (write) => ({
    service: 'hello',
    image: undefined,
    env: [],
    annotations: {},
    revisionName: undefined,
    tag: undefined,
    stableTag: undefined,
    takeOver: false,
    write,
  }),
  stage: (write) => ({
    service: 'hello',
    tag: undefined,
    stableTag: undefined,
    revision: undefined,
    takeOver: false,
    write,
  }),
  split: (write) => ({ service: 'hello', percent: undefined, traffic: undefined, takeOver: false, write }),
  promote: (write) => ({ service: 'hello', retire: false, previousTag: undefined, takeOver: false, write }),
  rollback: (write) => ({ service: 'hello', write }),
  cleanup: (write) => ({ service: 'hello', deleteRevisions: false, force: false, write }),
};

for (const [verb, expected] of Object.entries(WRITERS)) {
  describe(`${verb}: write flags`, () => {
    test('defaults: ask, wait, 5m', async () => {
      assert.deepEqual(await parseOpts([verb, 'hello']), expected(WRITE));
    });

    test('--dry-run is the client mode', async () => {
      assert.deepEqual(await parseOpts([verb, 'hello', '--dry-run']), expected({ ...WRITE, dryRun: 'client' }));
      assert.deepEqual(await parseOpts([verb, 'hello', '--dry-run=client']), expected({ ...WRITE, dryRun: 'client' }));
    });

    test('--dry-run=server', async () => {
      assert.deepEqual(await parseOpts([verb, 'hello', '--dry-run=server']), expected({ ...WRITE, dryRun: 'server' }));
    });

    test('--dry-run hello keeps hello as the service', async () => {
      assert.deepEqual(await parseOpts([verb, '--dry-run', 'hello']), expected({ ...WRITE, dryRun: 'client' }));
    });

    test('any other dry-run mode is refused', async () => {
      await assert.rejects(parseOpts([verb, 'hello', '--dry-run=all']), usage('InvalidDryRun', /"all" for --dry-run/));
      await assert.rejects(parseOpts([verb, 'hello', '--dry-run=']), usage('InvalidDryRun'));
    });

    test('-y and --yes', async () => {
      assert.deepEqual(await parseOpts([verb, 'hello', '-y']), expected({ ...WRITE, yes: true }));
      assert.deepEqual(await parseOpts([verb, 'hello', '--yes']), expected({ ...WRITE, yes: true }));
    });

    test('--wait is the default spelled out', async () => {
      assert.deepEqual(await parseOpts([verb, 'hello', '--wait']), expected(WRITE));
    });

    test('--timeout 0 (check once) and the 168h maximum', async () => {
      assert.deepEqual(await parseOpts([verb, 'hello', '--timeout', '0']), expected({ ...WRITE, timeout: '0' }));
      assert.deepEqual(
        await parseOpts([verb, 'hello', '--timeout', '1h30m']),
        expected({ ...WRITE, timeout: '1h30m' }),
      );
      assert.deepEqual(await parseOpts([verb, 'hello', '--timeout', '168h']), expected({ ...WRITE, timeout: '168h' }));
    });

    test('--timeout 169h, a bare number or no unit is refused', async () => {
      await assert.rejects(
        parseOpts([verb, 'hello', '--timeout', '169h']),
        usage('InvalidDuration', /"169h" for --timeout: at most 168h/),
      );
      await assert.rejects(
        parseOpts([verb, 'hello', '--timeout', '30']),
        usage('InvalidDuration', /"30" for --timeout/),
      );
      await assert.rejects(
        parseOpts([verb, 'hello', '--timeout', 'soon']),
        usage('InvalidDuration', /"soon" for --timeout/),
      );
    });

    test("--timeout without a value is commander's usage error", async () => {
      await assert.rejects(parseOpts([verb, 'hello', '--timeout']), usage('MissingOptionValue', /--timeout/));
    });

    if (verb === 'rollout') {
      test('--no-wait is refused: a rollout waits for each step', async () => {
        await assert.rejects(parseOpts([verb, 'hello', '--no-wait']), usage('ConflictingFlags', /--no-wait/));
      });
    } else {
      test('--no-wait', async () => {
        assert.deepEqual(await parseOpts([verb, 'hello', '--no-wait']), expected({ ...WRITE, wait: false }));
      });
    }

    test('--gitops refuse|warn; any other mode is refused', async () => {
      assert.deepEqual(
        await parseOpts([verb, 'hello', '--gitops', 'refuse']),
        expected({ ...WRITE, gitops: 'refuse' }),
      );
      assert.deepEqual(await parseOpts([verb, 'hello', '--gitops=warn']), expected({ ...WRITE, gitops: 'warn' }));
      await assert.rejects(parseOpts([verb, 'hello', '--gitops', 'ignore']), usage('InvalidGitOps', /--gitops/));
      await assert.rejects(parseOpts([verb, 'hello', '--gitops']), /argument missing/);
    });

    test('--render and --render-patch; not together, not with --dry-run', async () => {
      assert.deepEqual(await parseOpts([verb, 'hello', '--render']), expected({ ...WRITE, render: 'manifest' }));
      assert.deepEqual(await parseOpts([verb, '--render-patch', 'hello']), expected({ ...WRITE, render: 'patch' }));
      await assert.rejects(
        parseOpts([verb, 'hello', '--render', '--render-patch']),
        usage('ConflictingFlags', /--render/),
      );
      await assert.rejects(parseOpts([verb, 'hello', '--render', '--dry-run']), usage('ConflictingFlags', /--dry-run/));
      await assert.rejects(
        parseOpts([verb, 'hello', '--render-patch', '--dry-run=server']),
        usage('ConflictingFlags', /--render-patch/),
      );
    });

    test('all write flags at once, before the service', async () => {
      const argv = [verb, '--dry-run=server', '-y', '--timeout', '2m', 'hello'];
      assert.deepEqual(await parseOpts(argv), expected({ yes: true, wait: true, timeout: '2m', dryRun: 'server' }));
    });
  });
}

describe('verbs that do not write refuse the write flags', () => {
  for (const argv of [
    ['status', 'hello'],
    ['revisions', 'hello'],
    ['url', 'hello'],
    ['history', 'hello'],
    ['verify', 'hello'],
    ['playground'],
    ['version'],
    ['demo'],
  ]) {
    test(`${argv[0]} --dry-run / --yes / --timeout`, async () => {
      await assert.rejects(parseOpts([...argv, '--dry-run']), usage('UnknownOption', /'--dry-run'/));
      // The demo's --yes runs it unattended on a terminal (it writes only to its own in-process playground).
      if (argv[0] !== 'demo') await assert.rejects(parseOpts([...argv, '--yes']), usage('UnknownOption', /'--yes'/));
      await assert.rejects(parseOpts([...argv, '--render']), usage('UnknownOption', /'--render'/));
      await assert.rejects(parseOpts([...argv, '--timeout', '1m']), usage('UnknownOption', /'--timeout'/));
    });
  }
});
