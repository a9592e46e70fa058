// The blue-green procedure of PRODUCT.md, one verb at a time, through main() over HTTPS against the
// playground: after each step the stored Service (and the ingress) must say what the step promised.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import {
  cliEnv,
  createReadyService,
  getRevision,
  getService,
  revisionNames,
  specTraffic,
  viaIngress,
} from './step-helpers.js';
import { readState } from '../../src/core/state.js';

const MAIN = 'http://hello.default.example.com';

describe('the procedure, step by step', () => {
  const pg = usePlayground({ sample: 'hello' });
  const cli = (...argv: string[]) => runCli(argv, { env: cliEnv(pg.current) });

  /** Which revisions the main URL serves over n requests (smooth round-robin: exact for short runs). */
  async function servedBy(url: string, n: number): Promise<Record<string, number>> {
    const seen: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const r = await viaIngress(pg.current, url);
      assert.equal(r.status, 200, r.body);
      seen[r.revision as string] = (seen[r.revision as string] ?? 0) + 1;
    }
    return seen;
  }

  test('pin: 100% to the serving revision by name', async () => {
    const r = await cli('pin', 'hello', '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(specTraffic(pg.current, 'hello'), [{ revisionName: 'hello-00001', percent: 100 }]);
    assert.match(r.stderr, /replaced the floating latestRevision target \(100%\) with revision "hello-00001"/);
    assert.match(r.stdout, /^hello-00001 +- +#{20} 100% +True +-$/m);
    assert.match(r.stdout, new RegExp(`URL: ${MAIN}`));
  });

  test('deploy --image v2: a new ready revision that gets 0%', async () => {
    const r = await cli('deploy', 'hello', '--image', 'ghcr.io/bgctl/hello:v2', '--env', 'COLOR=green', '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(revisionNames(pg.current, 'hello'), ['hello-00001', 'hello-00002']);
    const svc = getService(pg.current, 'hello');
    assert.equal(svc.status?.latestReadyRevisionName, 'hello-00002');
    assert.deepEqual(svc.spec.template.spec.containers[0].env, [{ name: 'COLOR', value: 'green' }]);
    assert.deepEqual(specTraffic(pg.current, 'hello'), [{ revisionName: 'hello-00001', percent: 100 }]);
    assert.equal(readState(svc).state?.phase, 'deployed');
    assert.match(r.stdout, /New revision: hello-00002 \(0% of the traffic\)/);
    assert.match(r.stderr, /Revision hello-00002 is ready/);
    assert.deepEqual(await servedBy(MAIN, 4), { 'hello-00001': 4 });
  });

  test('stage --tag v2: tag URL printed, it serves only v2, the main URL only v1', async () => {
    const r = await cli('stage', 'hello', '--tag', 'v2', '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(specTraffic(pg.current, 'hello'), [
      { tag: 'stable', revisionName: 'hello-00001', percent: 100 },
      { tag: 'v2', revisionName: 'hello-00002', percent: 0 },
    ]);
    assert.match(r.stdout, /Candidate hello-00002 \(tag v2\): http:\/\/v2-hello\.default\.example\.com/);
    assert.match(r.stdout, /Stable hello-00001 \(tag stable\): http:\/\/stable-hello\.default\.example\.com/);
    assert.deepEqual(await servedBy('http://v2-hello.default.example.com', 3), { 'hello-00002': 3 });
    assert.deepEqual(await servedBy(MAIN, 4), { 'hello-00001': 4 });
    const body = (await viaIngress(pg.current, 'http://v2-hello.default.example.com')).body;
    assert.match(body, /image ghcr\.io\/bgctl\/hello:v2/);
  });

  test('split --percent 50: both revisions serve the main URL', async () => {
    const r = await cli('split', 'hello', '--percent', '50', '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(specTraffic(pg.current, 'hello'), [
      { tag: 'stable', revisionName: 'hello-00001', percent: 50 },
      { tag: 'v2', revisionName: 'hello-00002', percent: 50 },
    ]);
    assert.deepEqual(await servedBy(MAIN, 10), { 'hello-00001': 5, 'hello-00002': 5 });
    assert.equal(readState(getService(pg.current, 'hello')).state?.phase, 'split');
  });

  test('promote: the main URL serves only v2; the old revision stays tagged "previous" with no-gc', async () => {
    const r = await cli('promote', 'hello', '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(specTraffic(pg.current, 'hello'), [
      { tag: 'v2', revisionName: 'hello-00002', percent: 100 },
      { tag: 'previous', revisionName: 'hello-00001', percent: 0 },
    ]);
    assert.equal(getRevision(pg.current, 'hello-00001')?.metadata.annotations?.['serving.knative.dev/no-gc'], 'true');
    assert.deepEqual(await servedBy(MAIN, 6), { 'hello-00002': 6 });
    assert.deepEqual(await servedBy('http://previous-hello.default.example.com', 2), { 'hello-00001': 2 });
    assert.equal(readState(getService(pg.current, 'hello')).state?.phase, 'promoted');
  });

  test('cleanup keeps the last rollback target unless --force; the forced preview would drop it', async () => {
    const before = getService(pg.current, 'hello').metadata.resourceVersion;
    const kept = await cli('cleanup', 'hello', '--yes');
    assert.equal(kept.code, 0, kept.stderr);
    assert.match(kept.stderr, /keeping tag "previous" on "hello-00001": it is the rollback target .*use --force/);
    assert.match(kept.stderr, /Nothing to do/);
    const forced = await cli('cleanup', 'hello', '--force', '--dry-run');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /^- +hello-00001 +previous +0%/m);
    assert.match(forced.stderr, /removing the last rollback target "hello-00001"/);
    assert.equal(getService(pg.current, 'hello').metadata.resourceVersion, before);
    assert.equal(specTraffic(pg.current, 'hello').length, 2);
  });

  test('rollback: 100% back to the old revision', async () => {
    const r = await cli('rollback', 'hello', '--yes');
    assert.equal(r.code, 0, r.stderr);
    const traffic = specTraffic(pg.current, 'hello');
    assert.equal(traffic.find((t) => t.revisionName === 'hello-00001')?.percent, 100);
    assert.equal(traffic.find((t) => t.revisionName === 'hello-00002')?.percent, 0);
    assert.deepEqual(await servedBy(MAIN, 4), { 'hello-00001': 4 });
    assert.equal(readState(getService(pg.current, 'hello')).state?.phase, 'rolled-back');
  });

  test('cleanup after the rollback leaves the traffic on the old revision', async () => {
    const r = await cli('cleanup', 'hello', '--yes');
    assert.equal(r.code, 0, r.stderr);
    const traffic = specTraffic(pg.current, 'hello');
    assert.equal(
      traffic.reduce((n, t) => n + t.percent, 0),
      100,
    );
    assert.equal(traffic.find((t) => t.revisionName === 'hello-00001')?.percent, 100);
    assert.deepEqual(await servedBy(MAIN, 2), { 'hello-00001': 2 });
  });

  test('deploy onto an unpinned service pins first, in the same write, and says so', async () => {
    await createReadyService(pg.current, 'floaty');
    const r = await cli('deploy', 'floaty', '--image', 'ghcr.io/bgctl/hello:v2', '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /pinned revision "floaty-00001" at 100% in the same write, so the new revision starts at 0%/,
    );
    assert.deepEqual(specTraffic(pg.current, 'floaty'), [{ revisionName: 'floaty-00001', percent: 100 }]);
    assert.equal(getService(pg.current, 'floaty').status?.latestReadyRevisionName, 'floaty-00002');
    assert.deepEqual(await servedBy('http://floaty.default.example.com', 3), { 'floaty-00001': 3 });
  });
});
