// The wizard's branches in-process (FakePrompter, a "terminal" IOStreams, the real client over HTTPS):
// a failing revision offered for abort, an idle revision rolled out without deploying, a rollout in
// progress aborted. Every prompt must be asked exactly as listed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import {
  createReadyService,
  foreignMergePatch,
  getService,
  specTraffic,
  testContext,
  waitForStored,
} from './step-helpers.js';
import { FakePrompter } from '../helpers/fake-prompter.js';
import { readState } from '../../src/core/state.js';
import { FailedError, PausedError, RefusedError } from '../../src/core/errors.js';
import { runWizard } from '../../src/commands/rollout/wizard.js';
import { run as runRollout } from '../../src/commands/rollout/run.js';
import { ASK } from '../../src/commands/rollout/ask.js';
import { rolloutOptions } from '../helpers/rollout-options.js';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/prometheus.js';
import { tempDir } from '../helpers/temp-dir.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { writeFileSync } from 'node:fs';

describe('bgctl rollout wizard (in-process)', () => {
  const pg = usePlayground();
  const opts = (raw: Record<string, unknown> = {}) => rolloutOptions({ wait: true, timeout: '1m', ...raw });

  test('a failing revision: the reason is shown and abort closes the rollout, traffic untouched', async () => {
    await createReadyService(pg.current, 'wfail');
    foreignMergePatch(pg.current, 'wfail', { spec: { traffic: [{ revisionName: 'wfail-00001', percent: 100 }] } });
    // --image is a preset: the wizard does not ask where the revision comes from, nor the image.
    const prompter = new FakePrompter({
      [ASK.env]: '',
      [ASK.tag]: 'v2',
      'Deploy ghcr.io/bgctl/hello:v2 as a new revision (at 0%)?': true,
      [ASK.revisionFailed]: 'abort',
      'Abort rollout wfail-20261126120000: all traffic to wfail-00001?': true,
    });
    const ctx = testContext(pg.current, { tty: true, prompter });
    await assert.rejects(
      runWizard(ctx, 'wfail', opts({ image: 'ghcr.io/bgctl/hello:v2', annotation: ['sim.bgctl.dev/fail=ExitCode1'] })),
      (err: unknown) => {
        assert.ok(err instanceof FailedError);
        assert.match(err.message, /ExitCode1|exit code 1/i);
        assert.match(err.message, /rollout wfail-20261126120000 aborted, traffic stays on wfail-00001/);
        return true;
      },
    );
    prompter.assertAllConsumed();
    assert.match(
      ctx.io.stderr,
      /Equivalent command: bgctl deploy wfail --image ghcr\.io\/bgctl\/hello:v2 --annotation sim\.bgctl\.dev\/fail=ExitCode1 --tag v2 --yes/,
    );
    assert.equal(readState(getService(pg.current, 'wfail')).state?.phase, 'aborted');
    assert.deepEqual(specTraffic(pg.current, 'wfail'), [{ revisionName: 'wfail-00001', percent: 100 }]);
  });

  test('an idle revision is rolled out without deploying; promote with --retire preset', async () => {
    await createReadyService(pg.current, 'widle');
    // A second revision that exists with no traffic (pinned to the first, then a template change).
    foreignMergePatch(pg.current, 'widle', {
      spec: {
        traffic: [{ revisionName: 'widle-00001', percent: 100 }],
        template: { spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v2' }] } },
      },
    });
    await waitForStored(pg.current, 'widle', (o) => o.status?.latestReadyRevisionName === 'widle-00002');
    const prompter = new FakePrompter([
      [ASK.source, 'existing'],
      [ASK.revision, 'widle-00002'],
      [ASK.tag, 'candidate'],
      ['Stage widle-00002 at 0% under tag "candidate"?', true],
      [ASK.verifyNow, false],
      [ASK.next, 'continue'],
      [ASK.percent, 50],
      ['Send 50% of traffic to widle-00002?', true],
      [ASK.next, 'continue'],
      ['Promote widle-00002 to 100% of traffic?', true],
    ]);
    const ctx = testContext(pg.current, { tty: true, prompter });
    await runWizard(ctx, 'widle', opts({ retire: true }));
    prompter.assertAllConsumed();
    assert.equal(prompter.asked.filter((a) => a.message === ASK.next).length, 2);
    assert.match(ctx.io.stderr, /Equivalent command: bgctl stage widle --tag candidate --revision widle-00002 --yes/);
    assert.match(ctx.io.stderr, /Equivalent command: bgctl promote widle --retire --yes/);
    assert.equal(readState(getService(pg.current, 'widle')).state?.phase, 'promoted');
    assert.deepEqual(specTraffic(pg.current, 'widle'), [
      { tag: 'candidate', revisionName: 'widle-00002', percent: 100 },
    ]);
    assert.match(ctx.io.stdout, /Rollout: +widle-20261126120000 promoted/);
  });

  test('a rollout in progress is offered for resume, rollback or abort', async () => {
    await createReadyService(pg.current, 'wopen');
    const env = { KUBECONFIG: pg.current.kubeconfigPath, BGCTL_INGRESS: pg.current.ingress, BGCTL_ACTOR: 'ci' };
    const staged = await runCli(
      ['rollout', 'wopen', '--image', 'ghcr.io/bgctl/hello:v2', '--until', 'staged', '--yes'],
      { env, now: () => new Date('2026-11-26T11:00:00Z') },
    );
    assert.equal(staged.code, 8, staged.stderr);
    const prompter = new FakePrompter({
      [ASK.inProgress]: 'abort',
      'Abort rollout wopen-20261126110000: all traffic to wopen-00001?': true,
    });
    const ctx = testContext(pg.current, { tty: true, prompter });
    await runWizard(ctx, 'wopen', opts());
    prompter.assertAllConsumed();
    assert.match(ctx.io.stderr, /Rollout: staged \(rollout wopen-20261126110000/);
    assert.equal(readState(getService(pg.current, 'wopen')).state?.phase, 'aborted');
    assert.equal(specTraffic(pg.current, 'wopen')[0].percent, 100);
  });

  test('without SERVICE and -n: namespace, then service, picked from searchable lists', async () => {
    const reg = pg.current.registry;
    const ns = reg.resource('namespaces', '')!;
    const svcDef = reg.resource('services', 'serving.knative.dev')!;
    reg.create(
      ns,
      undefined,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } },
      { user: 'system:admin' },
    );
    reg.create(
      svcDef,
      'team-b',
      {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name: 'api', namespace: 'team-b' },
        spec: { template: { spec: { containers: [{ image: 'ghcr.io/bgctl/api:v1' }] } } },
      },
      { user: 'system:admin' },
    );
    for (
      let i = 0;
      i < 200 && reg.tryGet(svcDef, 'team-b', 'api')?.status?.latestReadyRevisionName !== 'api-00001';
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
    const prompter = new FakePrompter({
      [ASK.namespace]: 'team-b',
      [ASK.service]: 'api',
      'Pin service "api" to its current revision?': false,
      [ASK.declined]: 'quit',
    });
    const ctx = testContext(pg.current, { tty: true, prompter });
    // "No" is not Ctrl-C: nothing was written, so the wizard offers to go back or quit (exit 0).
    await runWizard(ctx, undefined, opts());
    prompter.assertAllConsumed();
    assert.match(ctx.io.stderr, /No rollout was started/);
    assert.match(ctx.io.stderr, /Service: api \(namespace team-b\)/);
    assert.match(ctx.io.stderr, /Equivalent command: bgctl pin api -n team-b --yes/);
    assert.deepEqual(reg.tryGet(svcDef, 'team-b', 'api')?.spec.traffic, [{ latestRevision: true, percent: 100 }]);
  });

  test('"no" to the deploy before any rollout is open goes back to the first question, not exit 130', async () => {
    await createReadyService(pg.current, 'wback');
    foreignMergePatch(pg.current, 'wback', { spec: { traffic: [{ revisionName: 'wback-00001', percent: 100 }] } });
    // The controllers keep writing status (resourceVersion moves); what bgctl could write is spec and annotations.
    const written = (svc = getService(pg.current, 'wback')) => JSON.stringify([svc.spec, svc.metadata.annotations]);
    const before = written();
    const prompter = new FakePrompter([
      [ASK.source, 'deploy'],
      [ASK.image, 'ghcr.io/bgctl/hello:v2'],
      [ASK.env, ''],
      [ASK.tag, 'candidate'],
      ['Deploy ghcr.io/bgctl/hello:v2 as a new revision (at 0%)?', false],
      [ASK.declined, 'again'],
      [ASK.source, 'deploy'],
      [ASK.image, 'ghcr.io/bgctl/hello:v3'],
      [ASK.env, ''],
      [ASK.tag, 'candidate'],
      ['Deploy ghcr.io/bgctl/hello:v3 as a new revision (at 0%)?', false],
      [ASK.declined, 'quit'],
    ]);
    const ctx = testContext(pg.current, { tty: true, prompter });
    await runWizard(ctx, 'wback', opts());
    prompter.assertAllConsumed();
    assert.equal(written(), before);
  });

  test('"no" to a step of an open rollout pauses it (exit 8) with the --resume hint; --resume on a terminal continues it in the wizard', async () => {
    await createReadyService(pg.current, 'wno');
    foreignMergePatch(pg.current, 'wno', { spec: { traffic: [{ revisionName: 'wno-00001', percent: 100 }] } });
    const prompter = new FakePrompter({
      [ASK.env]: '',
      [ASK.tag]: 'candidate',
      'Deploy ghcr.io/bgctl/hello:v2 as a new revision (at 0%)?': true,
      'Stage wno-00002 at 0% under tag "candidate"?': false,
    });
    const ctx = testContext(pg.current, { tty: true, prompter });
    await assert.rejects(runWizard(ctx, 'wno', opts({ image: 'ghcr.io/bgctl/hello:v2' })), (err: unknown) => {
      assert.ok(err instanceof PausedError, String(err));
      assert.equal(err.exitCode, 8);
      assert.match(err.message, /rollout wno-\d+ of service "wno" paused at phase deployed/);
      assert.match(
        err.hint ?? '',
        /continue with: bgctl rollout wno --resume \(the wizard\), or unattended: bgctl rollout wno --resume --yes/,
      );
      return true;
    });
    prompter.assertAllConsumed();
    assert.equal(readState(getService(pg.current, 'wno')).state?.phase, 'deployed');

    // --resume: no in-progress menu, straight on from the recorded phase.
    const resumed = new FakePrompter([
      ['Stage wno-00002 at 0% under tag "candidate"?', true],
      [ASK.verifyNow, false],
      [ASK.next, 'continue'],
      [ASK.percent, 50],
      ['Send 50% of traffic to wno-00002?', false],
    ]);
    const again = testContext(pg.current, { tty: true, prompter: resumed });
    await assert.rejects(
      runRollout({ ...opts({ resume: true }), service: 'wno' }, again),
      (err: unknown) => err instanceof PausedError && /paused at phase staged/.test(err.message),
    );
    resumed.assertAllConsumed();
    assert.equal(readState(getService(pg.current, 'wno')).state?.phase, 'staged');
    assert.equal(specTraffic(pg.current, 'wno').find((t) => t.revisionName === 'wno-00001')?.percent, 100);
  });

  test('--resume --until staged on a terminal stops at staged (the pipeline, asking before each change)', async () => {
    await createReadyService(pg.current, 'wuntil');
    foreignMergePatch(pg.current, 'wuntil', { spec: { traffic: [{ revisionName: 'wuntil-00001', percent: 100 }] } });
    const env = { KUBECONFIG: pg.current.kubeconfigPath };
    const deployed = await runCli(['deploy', 'wuntil', '--image', 'ghcr.io/bgctl/hello:v2', '--yes'], { env });
    assert.equal(deployed.code, 0, deployed.stderr);
    const prompter = new FakePrompter([['Stage wuntil-00002 at 0% under tag "candidate"?', true]]);
    const ctx = testContext(pg.current, { tty: true, prompter });
    await assert.rejects(
      runRollout({ ...opts({ resume: true, until: 'staged' }), service: 'wuntil' }, ctx),
      (err: unknown) => err instanceof PausedError && /staged/.test(err.message),
    );
    prompter.assertAllConsumed();
    assert.equal(readState(getService(pg.current, 'wuntil')).state?.phase, 'staged');
  });

  test('--resume on a terminal with no open rollout is refused like the unattended one', async () => {
    await createReadyService(pg.current, 'wnone');
    const ctx = testContext(pg.current, { tty: true, prompter: new FakePrompter({}) });
    await assert.rejects(
      runWizard(ctx, 'wnone', opts({ resume: true })),
      (err: unknown) => err instanceof RefusedError && err.reason === 'NoRollout',
    );
  });

  test('with --prometheus, the gate answers are checked before any write: an unreachable one is shown and asked again', async () => {
    await createReadyService(pg.current, 'wprom');
    foreignMergePatch(pg.current, 'wprom', { spec: { traffic: [{ revisionName: 'wprom-00001', percent: 100 }] } });
    const written = (svc = getService(pg.current, 'wprom')) => JSON.stringify([svc.spec, svc.metadata.annotations]);
    const before = written();
    const url = `http://127.0.0.1:${await freePort()}`;
    const prompter = new FakePrompter([
      [ASK.judgeByMetrics, true],
      [ASK.gates, 'more'],
      [ASK.gatesOwn, 'latency-p99<800ms'],
      [ASK.analysisTime, '30s'],
      [ASK.gateInterval, '5s'],
      // Nothing answered there: asked again, and this time without gates.
      [ASK.judgeByMetrics, false],
      [ASK.env, ''],
      [ASK.tag, 'candidate'],
      ['Deploy ghcr.io/bgctl/hello:v2 as a new revision (at 0%)?', false],
      [ASK.declined, 'quit'],
    ]);
    const ctx = testContext(pg.current, { tty: true, prompter });
    await runWizard(ctx, 'wprom', opts({ image: 'ghcr.io/bgctl/hello:v2', prometheus: url }));
    prompter.assertAllConsumed();
    assert.match(ctx.io.stderr, /Prometheus at http:\/\/127\.0\.0\.1:\d+ could not be queried/);
    assert.equal(written(), before);
  });

  test('gates from a file: a bad file is refused with its error, a good one is asked of Prometheus with its queries (the copy validated, not a later edit)', async () => {
    await createReadyService(pg.current, 'wfile');
    foreignMergePatch(pg.current, 'wfile', { spec: { traffic: [{ revisionName: 'wfile-00001', percent: 100 }] } });
    const dir = tempDir('bgctl-wizard-gates-');
    const good = path.join(dir, 'gates.yaml');
    writeFileSync(good, 'gates:\n  - slow<0.5\nqueries:\n  slow: sum(my_slow_total{revision="{{revision}}"})\n');
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'gates:\n  - slow<0.5\n');
    // A Prometheus that answers every query with no data, and remembers what it was asked.
    const asked: string[] = [];
    const names = ['kn_serving_invocation_duration_seconds_count', 'kn_serving_invocation_duration_seconds_bucket'];
    const prom = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.setHeader('Content-Type', 'application/json');
        if (req.url?.includes('/label/__name__/values'))
          return res.end(JSON.stringify({ status: 'success', data: names }));
        asked.push(new URLSearchParams(body).get('query') ?? '');
        res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
      });
    });
    await new Promise<void>((r) => prom.listen(0, '127.0.0.1', r));
    try {
      const prompter = new FakePrompter([
        [ASK.judgeByMetrics, true],
        [ASK.gates, 'file'],
        [ASK.gatesFile, ` ${good} `],
        [ASK.analysisTime, '30s'],
        [ASK.gateInterval, '5s'],
        [ASK.env, ''],
        [ASK.tag, 'candidate'],
        ['Deploy ghcr.io/bgctl/hello:v2 as a new revision (at 0%)?', false],
        [ASK.declined, 'quit'],
      ]);
      const seen: Record<string, (v: string) => true | string> = {};
      const input = prompter.input.bind(prompter);
      prompter.input = async (message, o = {}) => {
        if (o.validate) seen[message] = o.validate;
        const answer = await input(message, o);
        // Someone edits the file right after it was validated: the validated gates are the ones judged.
        if (message === ASK.gatesFile) writeFileSync(good, 'gates: [broken\n');
        return answer;
      };
      const ctx = testContext(pg.current, { tty: true, prompter });
      const url = `http://127.0.0.1:${(prom.address() as AddressInfo).port}`;
      await runWizard(ctx, 'wfile', opts({ image: 'ghcr.io/bgctl/hello:v2', prometheus: url }));
      prompter.assertAllConsumed();
      assert.match(String(seen[ASK.gatesFile](good)), /not YAML/, 'the edit happened');
      writeFileSync(good, 'gates:\n  - slow<0.5\nqueries:\n  slow: sum(my_slow_total{revision="{{revision}}"})\n');
      const check = seen[ASK.gatesFile];
      assert.equal(check(good), true);
      assert.match(String(check(bad)), /bad\.yaml.*slow/, 'a gate on a measure the file does not define');
      assert.match(String(check(path.join(dir, 'none.yaml'))), /cannot read the gates file .*ENOENT/);
      assert.ok(
        asked.some((q) => q.includes('my_slow_total{revision="wfile-00001"}')),
        `the file's query was asked of Prometheus: ${asked.join(' | ')}`,
      );
    } finally {
      prom.close();
    }
  });

  test('the gate questions refuse what the core parser refuses, with its message', async () => {
    await createReadyService(pg.current, 'wbadgate');
    const url = `http://127.0.0.1:${await freePort()}`;
    const prompter = new FakePrompter([
      [ASK.judgeByMetrics, true],
      [ASK.gates, 'own'],
    ]);
    const seen: Record<string, (v: string) => true | string> = {};
    const input = prompter.input.bind(prompter);
    prompter.input = async (message, o = {}) => {
      if (o.validate) seen[message] = o.validate;
      if (message === ASK.gatesOwn) throw new Error('stop here');
      return input(message, o);
    };
    const ctx = testContext(pg.current, { tty: true, prompter });
    await assert.rejects(runWizard(ctx, 'wbadgate', opts({ prometheus: url })), /stop here/);
    const check = seen[ASK.gatesOwn];
    assert.equal(check('error-rate<2%, latency-p95<=stable*1.5'), true);
    assert.match(String(check('error-rate<2')), /invalid gate "error-rate<2": /);
    assert.match(String(check('errors<1')), /errors/);
    assert.match(String(check('error-rate<2%, error-rate<2%')), /more than once/);
    assert.match(String(check(' , ')), /at least one gate/);
  });
});
