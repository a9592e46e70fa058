// The terminal path of the step verbs: SERVICE picked from the namespace's services, the
// confirmation question answered yes or no, and missing values asked for.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { FakePrompter, CANCEL } from '../helpers/fake-prompter.js';
import { CancelError, UsageError } from '../../src/core/errors.js';
import { PICK_SERVICE_MESSAGE, resolveService } from '../../src/commands/service-arg.js';
import { run as pin } from '../../src/commands/pin/run.js';
import { run as split } from '../../src/commands/split/run.js';
import { run as deploy } from '../../src/commands/deploy/run.js';
import { runCli } from '../helpers/cli.js';
import { cliEnv, createReadyService, getService, specTraffic, testContext } from './step-helpers.js';

describe('step verbs on a terminal', () => {
  const pg = usePlayground();
  before(async () => {
    await createReadyService(pg.current, 'tty-a');
    await createReadyService(pg.current, 'tty-b');
  });

  test("a missing SERVICE is picked from the namespace's services", async () => {
    const prompter = new FakePrompter({ [PICK_SERVICE_MESSAGE]: 'tty-b' });
    const ctx = testContext(pg.current, { tty: true, prompter });
    assert.equal(await resolveService(ctx, undefined, 'pin'), 'tty-b');
    prompter.assertAllConsumed();
  });

  test('without a terminal a missing SERVICE is a usage error and nothing is read', async () => {
    const ctx = testContext(pg.current);
    let built = false;
    ctx.kube = async () => {
      built = true;
      throw new Error('must not connect');
    };
    await assert.rejects(
      resolveService(ctx, undefined, 'pin'),
      (err: unknown) =>
        err instanceof UsageError && /SERVICE is required when not running interactively/.test(err.message),
    );
    assert.equal(built, false);
  });

  test('on a terminal, a namespace without services is a usage error naming the namespace (exit 2)', async () => {
    const ctx = testContext(pg.current, { tty: true, globals: { namespace: 'nothing-here' } });
    await assert.rejects(
      resolveService(ctx, undefined, 'split'),
      (err: unknown) =>
        err instanceof UsageError &&
        err.exitCode === 2 &&
        err.reason === 'NoServices' &&
        /no Knative services in namespace "nothing-here"/.test(err.message),
    );
  });

  test('without a terminal, the hint names the verb', async () => {
    await assert.rejects(
      resolveService(testContext(pg.current), undefined, 'promote'),
      (err: unknown) =>
        err instanceof UsageError && err.hint === 'pass the service name as the first argument: bgctl promote SERVICE',
    );
  });

  test('pin picks the service and asks before moving traffic; yes applies it', async () => {
    const prompter = new FakePrompter({
      [PICK_SERVICE_MESSAGE]: 'tty-a',
      'Pin 100% of the traffic of tty-a to tty-a-00001?': true,
    });
    const ctx = testContext(pg.current, { tty: true, prompter });
    await pin({ takeOver: false, write: { wait: true, timeout: '30s' } }, ctx);
    prompter.assertAllConsumed();
    assert.deepEqual(specTraffic(pg.current, 'tty-a'), [{ revisionName: 'tty-a-00001', percent: 100 }]);
    assert.match(ctx.io.stderr, /Plan: pin tty-a/);
    assert.match(ctx.io.stdout, /^tty-a-00001 /m);
  });

  test('answering no cancels (exit 130) and writes nothing', async () => {
    const rv = getService(pg.current, 'tty-b').metadata.resourceVersion;
    const prompter = new FakePrompter({ 'Pin 100% of the traffic of tty-b to tty-b-00001?': false });
    const ctx = testContext(pg.current, { tty: true, prompter });
    await assert.rejects(
      pin({ service: 'tty-b', takeOver: false, write: { wait: true, timeout: '30s' } }, ctx),
      (err: unknown) => err instanceof CancelError && err.exitCode === 130,
    );
    assert.equal(getService(pg.current, 'tty-b').metadata.resourceVersion, rv);
  });

  test('split asks for the percent it was not given, after the service is known', async () => {
    const prompter = new FakePrompter({ 'Percent of the traffic of tty-b for the candidate': CANCEL });
    const ctx = testContext(pg.current, { tty: true, prompter });
    await assert.rejects(
      split({ service: 'tty-b', takeOver: false, write: { wait: true, timeout: '30s' } }, ctx),
      CancelError,
    );
    prompter.assertAllConsumed();
  });

  test('deploy asks saying it writes the Service and moves no traffic; yes writes the template, traffic untouched', async () => {
    await createReadyService(pg.current, 'tty-d');
    const question =
      'Write service tty-d: deploy ghcr.io/bgctl/hello:v2 as a new revision and pin tty-d-00001 by name (no traffic moves, it starts at 0%)?';
    const prompter = new FakePrompter({ [question]: true });
    const ctx = testContext(pg.current, { tty: true, prompter });
    await deploy(
      {
        service: 'tty-d',
        image: 'ghcr.io/bgctl/hello:v2',
        env: [],
        annotations: {},
        takeOver: false,
        write: { wait: true, timeout: '30s' },
      },
      ctx,
    );
    prompter.assertAllConsumed();
    assert.equal(getService(pg.current, 'tty-d').spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v2');
    assert.deepEqual(specTraffic(pg.current, 'tty-d'), [{ revisionName: 'tty-d-00001', percent: 100 }]);
  });

  test('deploy without a terminal and without --yes: exit 2, says deploy writes only with --yes, never that traffic moves', async () => {
    await createReadyService(pg.current, 'tty-e');
    const rv = getService(pg.current, 'tty-e').metadata.resourceVersion;
    const r = await runCli(['deploy', 'tty-e', '--image', 'ghcr.io/bgctl/hello:v2', '-o', 'json'], {
      env: cliEnv(pg.current),
    });
    assert.equal(r.code, 2, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.reason, 'ConfirmationRequired');
    assert.match(doc.message, /bgctl deploy writes the Service only with --yes/);
    assert.doesNotMatch(r.stdout + r.stderr, /traffic moves/);
    const text = await runCli(['deploy', 'tty-e', '--image', 'ghcr.io/bgctl/hello:v2'], { env: cliEnv(pg.current) });
    assert.equal(text.code, 2);
    assert.match(
      text.stderr,
      /Error: not running interactively: bgctl deploy writes the Service only with --yes \(it moves no traffic\)/,
    );
    assert.equal(getService(pg.current, 'tty-e').metadata.resourceVersion, rv);
  });
});
