// `bgctl rollout` against another bgctl and against Ctrl-C: a second rollout is refused, --take-over
// wins, an interrupted run resumes. Checked by exit code, output and the Service stored afterwards.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { cliEnv, createReadyService, getService, specTraffic, waitForStored } from './step-helpers.js';
import { readState, StateAnnotations } from '../../src/core/state.js';

const NOW = () => new Date('2026-11-26T12:00:00Z');

describe('bgctl rollout (unattended): concurrency and cancellation', () => {
  const pg = usePlayground();
  const env = () => cliEnv(pg.current, { BGCTL_INGRESS: pg.current.ingress });
  const cli = (...argv: string[]) => runCli(argv, { env: env(), now: NOW });
  const phaseOf = (name: string) => readState(getService(pg.current, name)).state?.phase;

  test('a second rollout on the same service is refused with exit 5 while the first runs', async () => {
    await createReadyService(pg.current, 'busy');
    const first = cli(
      'rollout',
      'busy',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--annotation',
      'sim.bgctl.dev/ready-after=4s',
      '--no-verify',
      '--steps',
      '100',
      '--yes',
    );
    await waitForStored(
      pg.current,
      'busy',
      (o) => o.metadata.annotations?.[StateAnnotations.phase] === 'deployed',
      90_000,
    );
    const second = await cli('rollout', 'busy', '--image', 'ghcr.io/bgctl/hello:v3', '--yes');
    assert.equal(second.code, 5, second.stderr);
    assert.match(second.stderr, /rollout busy-20261126120000 is in progress on service "busy" \(phase deployed/);
    assert.match(second.stderr, /--take-over/);
    assert.equal(second.stdout, '');
    const r = await first;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(phaseOf('busy'), 'promoted');
  });

  test('--take-over starts a new rollout over an open one, recording the old one as aborted', async () => {
    await createReadyService(pg.current, 'taken');
    const first = await cli('rollout', 'taken', '--image', 'ghcr.io/bgctl/hello:v2', '--until', 'staged', '--yes');
    assert.equal(first.code, 8, first.stderr);
    const later = () => new Date('2026-11-26T13:00:00Z');
    const r = await runCli(
      ['rollout', 'taken', '--image', 'ghcr.io/bgctl/hello:v3', '--no-verify', '--take-over', '--yes'],
      { env: env(), now: later },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /takes over rollout taken-20261126120000/);
    const read = readState(getService(pg.current, 'taken'));
    assert.equal(read.state?.id, 'taken-20261126130000');
    assert.equal(read.state?.phase, 'promoted');
    assert.equal(read.state?.candidate.revision, 'taken-00003');
    assert.deepEqual(
      read.history.map((h) => `${h.id}:${h.phase}`),
      ['taken-20261126130000:promoted', 'taken-20261126120000:aborted'],
    );
  });

  test('Ctrl-C while waiting: exit 130 with a resume hint; --resume then finishes', async () => {
    await createReadyService(pg.current, 'interrupted');
    const ctrlC = new AbortController();
    const running = runCli(
      [
        'rollout',
        'interrupted',
        '--image',
        'ghcr.io/bgctl/hello:v2',
        '--annotation',
        'sim.bgctl.dev/ready-after=4s',
        '--no-verify',
        '--yes',
      ],
      { env: env(), now: NOW, signal: ctrlC.signal },
    );
    await waitForStored(
      pg.current,
      'interrupted',
      (o) => o.metadata.annotations?.[StateAnnotations.phase] === 'deployed',
      90_000,
    );
    ctrlC.abort();
    const r = await running;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /cancelled: rollout interrupted-20261126120000 stays at phase deployed/);
    assert.match(r.stderr, /Hint: continue with: bgctl rollout interrupted --resume --yes/);
    assert.equal(r.stdout, '');
    const again = await cli('rollout', 'interrupted', '--resume', '--no-verify', '--yes');
    assert.equal(again.code, 0, again.stderr);
    assert.equal(phaseOf('interrupted'), 'promoted');
    assert.deepEqual(specTraffic(pg.current, 'interrupted'), [
      { tag: 'candidate', revisionName: 'interrupted-00002', percent: 100 },
      { tag: 'previous', revisionName: 'interrupted-00001', percent: 0 },
    ]);
  });
});
