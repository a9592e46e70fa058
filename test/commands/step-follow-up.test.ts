// The Service patch is a step's commit point; revision annotations after it are bookkeeping. When
// they fail, the step must say that the traffic change happened (never "changed by someone else"),
// and the next bgctl command must repair what was left undone: no no-gc outlives its reason.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground, type Playground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { sim } from '../kube/sim-helpers.js';
import { readState } from '../../src/core/state.js';
import {
  cliEnv,
  createReadyService,
  foreignMergePatch,
  getRevision,
  getService,
  revisionNames,
  specTraffic,
} from './step-helpers.js';

const NO_GC = 'serving.knative.dev/no-gc';
const MARK = 'bgctl.dev/rollback-tag';
const revisionPatchesFail = { conflictProbability: 1, verbs: ['patch'], resources: ['revisions'], seed: 7 };

async function releaseTo(pg: Playground, name: string, image: string, until: string[] = []): Promise<void> {
  const r = await runCli(
    ['rollout', name, '--image', image, '--no-verify', '--steps', '50,100', ...until, '--yes', '--timeout', '20s'],
    { env: cliEnv(pg) },
  );
  assert.equal(r.code, until.length ? 8 : 0, r.stderr);
}

const annotationsOf = (pg: Playground, rev: string) => {
  const a = getRevision(pg, rev)?.metadata.annotations ?? {};
  return { noGc: a[NO_GC], mark: a[MARK] };
};

describe('follow-up writes after the commit point', () => {
  const pg = usePlayground();
  const cli = (...argv: string[]) =>
    runCli([...argv, ...(argv[0] === 'status' ? [] : ['--timeout', '20s'])], { env: cliEnv(pg.current) });

  test('promote whose revision patches keep failing: exit 1 saying the traffic moved, status warns, the next command repairs', async () => {
    await createReadyService(pg.current, 'fu');
    foreignMergePatch(pg.current, 'fu', { spec: { traffic: [{ revisionName: 'fu-00001', percent: 100 }] } });
    await releaseTo(pg.current, 'fu', 'ghcr.io/bgctl/hello:v2', ['--until', 'split']);
    await sim(pg.current, 'POST', 'faults', revisionPatchesFail);
    let promote;
    try {
      promote = await cli('promote', 'fu', '--yes', '-o', 'json');
    } finally {
      await sim(pg.current, 'DELETE', 'faults');
    }
    assert.equal(promote.code, 1, promote.stderr);
    assert.match(
      promote.stderr,
      /^Error: the promote of service "fu" happened \(its change to the service's traffic and rollout record stands\), but bgctl could not set serving\.knative\.dev\/no-gc on revision fu-00001 \(the server answered 409 Conflict 4 times\)$/m,
    );
    assert.doesNotMatch(promote.stderr, /someone else/);
    assert.equal(JSON.parse(promote.stdout).reason, 'BookkeepingIncomplete');
    assert.equal(readState(getService(pg.current, 'fu')).state?.phase, 'promoted');
    assert.equal(specTraffic(pg.current, 'fu').find((t) => t.tag === 'candidate')?.percent, 100);
    assert.deepEqual(annotationsOf(pg.current, 'fu-00001'), { noGc: undefined, mark: undefined });

    const status = await cli('status', 'fu');
    assert.equal(status.code, 0, status.stderr);
    assert.match(
      status.stdout + status.stderr,
      /revision fu-00001 lacks serving\.knative\.dev\/no-gc as the rollback target/,
    );

    const repair = await cli('cleanup', 'fu', '--yes');
    assert.equal(repair.code, 0, repair.stderr);
    assert.deepEqual(annotationsOf(pg.current, 'fu-00001'), { noGc: 'true', mark: 'previous' });
    const after = await cli('status', 'fu');
    assert.doesNotMatch(after.stdout + after.stderr, /bookkeeping/);
  });

  test('a new rollout whose deploy cannot release the last target: status names the stale no-gc, the next command removes it, cleanup can delete the revision', async () => {
    await createReadyService(pg.current, 'fu2');
    foreignMergePatch(pg.current, 'fu2', { spec: { traffic: [{ revisionName: 'fu2-00001', percent: 100 }] } });
    await releaseTo(pg.current, 'fu2', 'ghcr.io/bgctl/hello:v2');
    assert.deepEqual(annotationsOf(pg.current, 'fu2-00001'), { noGc: 'true', mark: 'previous' });
    await sim(pg.current, 'POST', 'faults', revisionPatchesFail);
    let deploy;
    try {
      deploy = await cli(
        'rollout',
        'fu2',
        '--image',
        'ghcr.io/bgctl/hello:v3',
        '--no-verify',
        '--steps',
        '50,100',
        '--yes',
      );
    } finally {
      await sim(pg.current, 'DELETE', 'faults');
    }
    assert.equal(deploy.code, 1, deploy.stderr);
    assert.match(
      deploy.stderr,
      /^Error: the deploy of service "fu2" happened .*could not remove serving\.knative\.dev\/no-gc on revision fu2-00001/m,
    );
    assert.equal(readState(getService(pg.current, 'fu2')).state?.phase, 'deployed');
    assert.equal(annotationsOf(pg.current, 'fu2-00001').noGc, 'true', 'left behind by the failed follow-up');
    const status = await cli('status', 'fu2');
    assert.match(
      status.stdout + status.stderr,
      /revision fu2-00001 keeps serving\.knative\.dev\/no-gc set by bgctl though it is no longer the rollback target/,
    );

    const resume = await cli('rollout', 'fu2', '--resume', '--no-verify', '--yes');
    assert.equal(resume.code, 0, resume.stderr);
    assert.deepEqual(annotationsOf(pg.current, 'fu2-00001'), { noGc: undefined, mark: undefined });
    const cleanup = await cli('cleanup', 'fu2', '--delete-revisions', '--yes');
    assert.equal(cleanup.code, 0, cleanup.stderr);
    assert.ok(
      !revisionNames(pg.current, 'fu2').includes('fu2-00001'),
      'the old target, no longer protected, is deleted',
    );
    assert.deepEqual(
      annotationsOf(pg.current, 'fu2-00002'),
      { noGc: 'true', mark: 'previous' },
      'the current rollback target stays protected',
    );
    assert.ok(revisionNames(pg.current, 'fu2').includes('fu2-00002'));
  });

  test('rollback after promote releases the no-gc of the revision that serves again', async () => {
    await createReadyService(pg.current, 'fu3');
    foreignMergePatch(pg.current, 'fu3', { spec: { traffic: [{ revisionName: 'fu3-00001', percent: 100 }] } });
    await releaseTo(pg.current, 'fu3', 'ghcr.io/bgctl/hello:v2');
    assert.equal(annotationsOf(pg.current, 'fu3-00001').noGc, 'true');
    const rb = await cli('rollback', 'fu3', '--yes');
    assert.equal(rb.code, 0, rb.stderr);
    assert.deepEqual(annotationsOf(pg.current, 'fu3-00001'), { noGc: undefined, mark: undefined });
  });

  test("someone else's no-gc is never removed by the bookkeeping", async () => {
    await createReadyService(pg.current, 'fu4');
    foreignMergePatch(pg.current, 'fu4', { spec: { traffic: [{ revisionName: 'fu4-00001', percent: 100 }] } });
    const def = pg.current.registry.resource('revisions', 'serving.knative.dev')!;
    pg.current.registry.patch(
      def,
      'default',
      'fu4-00001',
      'merge',
      { metadata: { annotations: { [NO_GC]: 'true' } } },
      { user: 'ops', fieldManager: 'kubectl-annotate' },
    );
    await releaseTo(pg.current, 'fu4', 'ghcr.io/bgctl/hello:v2');
    const rb = await cli('rollback', 'fu4', '--yes');
    assert.equal(rb.code, 0, rb.stderr);
    assert.deepEqual(annotationsOf(pg.current, 'fu4-00001'), { noGc: 'true', mark: undefined });
  });

  test('a conflict on a revision patch now and then is retried: exit 0, bookkeeping complete', async () => {
    await createReadyService(pg.current, 'fu5');
    foreignMergePatch(pg.current, 'fu5', { spec: { traffic: [{ revisionName: 'fu5-00001', percent: 100 }] } });
    await releaseTo(pg.current, 'fu5', 'ghcr.io/bgctl/hello:v2', ['--until', 'split']);
    // Seeded: the first revision patch conflicts, a later attempt goes through.
    await sim(pg.current, 'POST', 'faults', { ...revisionPatchesFail, conflictProbability: 0.5, seed: 8 });
    let promote;
    try {
      promote = await cli('promote', 'fu5', '--yes');
    } finally {
      await sim(pg.current, 'DELETE', 'faults');
    }
    const { requests } = await sim(pg.current, 'GET', 'requests');
    const revisionPatches = requests.filter(
      (r: { verb: string; resource: string; name?: string }) =>
        r.verb === 'patch' && r.resource === 'revisions' && r.name === 'fu5-00001',
    );
    assert.equal(promote.code, 0, promote.stderr);
    assert.ok(
      revisionPatches.some((r: { fault?: string }) => r.fault),
      'the seed made at least one patch conflict',
    );
    assert.deepEqual(annotationsOf(pg.current, 'fu5-00001'), { noGc: 'true', mark: 'previous' });
  });
});
