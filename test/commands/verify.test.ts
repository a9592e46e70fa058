import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { runCli } from '../helpers/cli.js';
import { usePlayground } from '../helpers/playground.js';
import { runVerification } from '../../src/commands/verify/run.js';
import type { CommandContext } from '../../src/commands/context.js';
import { createKnativeClient } from '../../src/kube/client.js';
import { IOStreams } from '../../src/ui/iostreams.js';
import { FakePrompter } from '../helpers/fake-prompter.js';
import { CancelError } from '../../src/core/errors.js';
import { createService, getService, stagedService } from './read-setup.js';

const maskMs = (s: string) => s.replace(/\d+ms/g, 'Nms').replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
const phaseOf = (pg: any, name: string) => getService(pg, name).metadata.annotations?.['bgctl.dev/phase'];

/** A port on 127.0.0.1 that refuses connections (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('bgctl verify', () => {
  const pg = usePlayground();
  const env = (extra: Record<string, string> = {}) => ({
    KUBECONFIG: pg.current.kubeconfigPath,
    BGCTL_INGRESS: pg.current.ingress,
    BGCTL_ACTOR: 'ci-bot',
    ...extra,
  });

  test('pass: the rollout candidate tag by default, report (golden), pass recorded as verified', async () => {
    await stagedService(pg.current, 'web');
    assert.equal(phaseOf(pg.current, 'web'), 'staged');
    const r = await runCli(['verify', 'web', '--expect-body', 'Hello from web-00002'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      maskMs(r.stdout),
      [
        'Service:         web (namespace default)',
        'Tag:             candidate -> web-00002',
        'URL:             http://candidate-web.default.example.com/ via 127.0.0.1:PORT',
        'Checks:          status 200, body /Hello from web-00002/ (first 1 MiB)',
        'Requests:        10: 10 passed, 0 failed',
        'Status codes:    200×10',
        'Latency:         p50 Nms, p95 Nms, max Nms',
        'Revision header: web-00002',
        '',
        'Result: Passed',
        '',
      ].join('\n'),
    );
    const id = JSON.parse(getService(pg.current, 'web').metadata.annotations!['bgctl.dev/rollout']).id;
    assert.equal(
      r.stderr,
      'Verifying http://candidate-web.default.example.com (tag "candidate")\n' +
        '✓ 10/10 requests to tag "candidate" passed\n' +
        `✓ Recorded: rollout ${id} is now verified\n`,
    );
    const st = JSON.parse(getService(pg.current, 'web').metadata.annotations!['bgctl.dev/rollout']);
    assert.equal(st.phase, 'verified');
    assert.equal(st.updatedBy, 'ci-bot');
    assert.equal(phaseOf(pg.current, 'web'), 'verified');
  });

  test('fail after an earlier pass: the verified mark goes, the rollout is staged again, the failure is in the history', async () => {
    await stagedService(pg.current, 'again');
    const pass = await runCli(['verify', 'again', '--requests', '2'], { env: env() });
    assert.equal(pass.code, 0, pass.stderr);
    assert.equal(phaseOf(pg.current, 'again'), 'verified');
    const r = await runCli(['verify', 'again', '--expect-body', '^Goodbye', '--requests', '2'], {
      env: env({ BGCTL_ACTOR: 'qa-bot' }),
    });
    assert.equal(r.code, 3);
    const ann = getService(pg.current, 'again').metadata.annotations!;
    assert.equal(ann['bgctl.dev/phase'], 'staged');
    const st = JSON.parse(ann['bgctl.dev/rollout']);
    assert.equal(st.phase, 'staged');
    assert.equal(st.updatedBy, 'qa-bot');
    assert.equal(st.reason, 'verification of tag "candidate" failed: 2 of 2 requests failed');
    const hist = JSON.parse(ann['bgctl.dev/history']);
    assert.deepEqual([hist[0].id, hist[0].phase, hist[0].reason], [st.id, 'staged', st.reason]);
    assert.match(
      r.stderr,
      new RegExp(
        `\\n. Recorded: rollout ${st.id} is staged again: verification of tag "candidate" failed: 2 of 2 requests failed\\nError: verification of tag "candidate" of service "again" failed`,
      ),
    );
    const h = await runCli(['history', 'again', '-o', 'json'], { env: env() });
    assert.deepEqual(
      JSON.parse(h.stdout).items.map((i: any) => [i.phase, i.reason]),
      [['staged', st.reason]],
    );
    // A later pass verifies again and clears the failure.
    const again = await runCli(['verify', 'again', '--requests', '2'], { env: env() });
    assert.equal(again.code, 0, again.stderr);
    const after = JSON.parse(getService(pg.current, 'again').metadata.annotations!['bgctl.dev/rollout']);
    assert.equal(after.phase, 'verified');
    assert.equal(after.reason, undefined);
  });

  test('fail: a body that does not match exits 3, prints the result, records nothing', async () => {
    await stagedService(pg.current, 'api');
    const r = await runCli(['verify', 'api', '--expect-body', '^Goodbye', '--requests', '3'], { env: env() });
    assert.equal(r.code, 3);
    assert.match(r.stdout, /^Requests: {8}3: 0 passed, 3 failed$/m);
    assert.match(r.stdout, /\nCOUNT {3}FAILURE\n {4}3 {3}body does not match \/\^Goodbye\/\n/);
    assert.match(r.stdout, /\nResult: Failed \(3 of 3 requests failed\)\n$/);
    assert.match(
      r.stderr,
      /✗ verification of tag "candidate" failed\nError: verification of tag "candidate" of service "api" failed: 3 of 3 requests failed\nHint: /,
    );
    assert.equal(phaseOf(pg.current, 'api'), 'staged');
  });

  test('fail: a revision answering 500 (error-rate 1) exits 3; -o json is one VerificationResult', async () => {
    await createService(pg.current, 'flaky', {
      annotations: { 'sim.bgctl.dev/error-rate': '1' },
      traffic: [{ latestRevision: true, percent: 100, tag: 'candidate' }],
    });
    const r = await runCli(['verify', 'flaky', '-o', 'json', '--requests', '4'], { env: env() });
    assert.equal(r.code, 3);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.apiVersion, 'bgctl.dev/v1');
    assert.equal(doc.kind, 'VerificationResult');
    assert.equal(doc.verdict, 'Failed');
    assert.equal(doc.passed, false);
    assert.deepEqual([doc.requests, doc.succeeded, doc.failed], [4, 0, 4]);
    assert.deepEqual(doc.statusCodes, { 500: 4 });
    assert.deepEqual(doc.failures, [{ reason: 'status 500 (want 200)', count: 4 }]);
    assert.deepEqual(doc.revisions, { 'flaky-00001': 4 });
    assert.equal(doc.tag, 'candidate');
    assert.equal(doc.url, 'http://candidate-flaky.default.example.com/');
    assert.equal(doc.connectTo, pg.current.ingress);
    assert.match(r.stderr, /Error: verification of tag "candidate" of service "flaky" failed/);
    const ok = await runCli(['verify', 'flaky', '--expect-status', '5xx', '--requests', '2', '-o', 'json'], {
      env: env(),
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).verdict, 'Passed');
  });

  test('half the requests failing is a failure with the count', async () => {
    await createService(pg.current, 'half', {
      annotations: { 'sim.bgctl.dev/error-rate': '0.5' },
      traffic: [{ latestRevision: true, percent: 100, tag: 'canary' }],
    });
    const r = await runCli(['verify', 'half', '--tag', 'canary', '--requests', '6', '-o', 'json'], { env: env() });
    assert.equal(r.code, 3);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.statusCodes, { 200: 3, 500: 3 });
    assert.deepEqual(doc.reasons, ['3 of 6 requests failed']);
  });

  test('latency: p95 over --max-latency fails; a request over --http-timeout counts as failed (exit 3, not 4)', async () => {
    await createService(pg.current, 'slow', {
      annotations: { 'sim.bgctl.dev/latency': '150ms' },
      traffic: [{ latestRevision: true, percent: 100, tag: 'candidate' }],
    });
    const r = await runCli(['verify', 'slow', '--requests', '2', '--max-latency', '100ms', '-o', 'json'], {
      env: env(),
    });
    assert.equal(r.code, 3);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.failed, 0);
    assert.ok(doc.latency.p95Ms >= 150);
    assert.match(doc.reasons[0], /^p95 latency \d+ms exceeds --max-latency 100ms$/);
    const t = await runCli(['verify', 'slow', '--requests', '2', '--http-timeout', '20ms', '-o', 'json'], {
      env: env(),
    });
    assert.equal(t.code, 3);
    assert.deepEqual(JSON.parse(t.stdout).failures, [{ reason: 'no response within 20 ms', count: 2 }]);
  });

  test('an unreachable ingress exits 4: nothing was verified', async () => {
    const port = await closedPort();
    const r = await runCli(['verify', 'web', '--ingress', `127.0.0.1:${port}`, '--requests', '2'], { env: env() });
    assert.equal(r.code, 4);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      new RegExp(
        `Error: cannot reach 127\\.0\\.0\\.1:${port} for http://candidate-web\\.default\\.example\\.com/: connect ECONNREFUSED`,
      ),
    );
    assert.match(r.stderr, /Hint: check the --ingress address \(or BGCTL_INGRESS\); nothing was verified/);
  });

  test('--tag, --path and --no-record; the default tag follows the rollout', async () => {
    await stagedService(pg.current, 'shop', { tag: 'v2' });
    const wrong = await runCli(['verify', 'shop', '--tag', 'candidate'], { env: env() });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /Error: service "shop" has no tag "candidate" \(its tags: stable, v2\)/);
    const r = await runCli(
      ['verify', 'shop', '--path', '/healthz?probe=1', '--requests', '1', '--no-record', '-o', 'json'],
      { env: env() },
    );
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.tag, 'v2');
    assert.equal(doc.url, 'http://v2-shop.default.example.com/healthz?probe=1');
    assert.equal(doc.revisionName, 'shop-00002');
    assert.equal(phaseOf(pg.current, 'shop'), 'staged', '--no-record leaves the phase alone');
    const stable = await runCli(['verify', 'shop', '--tag', 'stable', '--requests', '1'], { env: env() });
    assert.equal(stable.code, 0, stable.stderr);
    assert.equal(phaseOf(pg.current, 'shop'), 'staged', 'checking the stable tag does not verify the candidate');
  });

  test('with read-only credentials the pass still exits 0; not recording it is a warning', async () => {
    await stagedService(pg.current, 'ro');
    const r = await runCli(['verify', 'ro', '--requests', '2'], {
      env: env({ KUBECONFIG: pg.current.readOnlyKubeconfigPath }),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\nResult: Passed\n$/);
    assert.match(r.stderr, /\nWarning: the pass was not recorded on the rollout: .*forbidden/i);
    assert.equal(phaseOf(pg.current, 'ro'), 'staged');
  });

  test('usage errors exit 2 before the cluster is contacted', async () => {
    const nowhere = { KUBECONFIG: '/nonexistent/kubeconfig' };
    for (const argv of [
      ['verify', 'web', '--requests', '0'],
      ['verify', 'web', '--expect-status', 'ok'],
      ['verify', 'web', '--expect-body', '('],
      ['verify', 'web', '--max-latency', 'soon'],
      ['verify', 'web', '--ingress', 'localhost'],
      ['verify', 'web', '--path', 'nope'],
    ]) {
      const r = await runCli(argv, { env: nowhere });
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
    }
    const env2 = await runCli(['verify', 'web'], { env: { ...nowhere, BGCTL_INGRESS: 'bad' } });
    assert.equal(env2.code, 2);
    assert.match(env2.stderr, /for BGCTL_INGRESS/);
  });

  test('runVerification (the wizard API) returns the result, never throws on a failed check, records nothing', async () => {
    const io = IOStreams.test({ env: {} });
    const ctx: CommandContext = {
      io,
      globals: { output: 'table', verbose: false },
      signal: new AbortController().signal,
      kube: () => createKnativeClient({ kubeconfig: pg.current.kubeconfigPath, env: {} }),
      prompter: () => new FakePrompter({}),
      now: () => new Date(),
    };
    const seen: number[] = [];
    const res = await runVerification(ctx, 'flaky', {
      requests: 3,
      ingress: pg.current.ingress,
      onProgress: (n) => seen.push(n),
    });
    assert.equal(res.kind, 'VerificationResult');
    assert.equal(res.passed, false);
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal(io.stdout, '', 'it prints nothing');
    const pass = await runVerification(ctx, 'api', { ingress: pg.current.ingress, requests: '2' });
    assert.equal(pass.passed, true);
    assert.equal(pass.revisionName, 'api-00002');
    assert.equal(phaseOf(pg.current, 'api'), 'staged', "recording is the caller's business");
    const ac = new AbortController();
    const cancelled = runVerification({ ...ctx, signal: ac.signal }, 'api', {
      ingress: pg.current.ingress,
      requests: 50,
      onProgress: (n) => n === 2 && ac.abort(),
    });
    await assert.rejects(cancelled, (e: unknown) => e instanceof CancelError);
  });
});
