import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelError, FailedError, TimeoutError } from '../../src/core/errors.js';
import { createKnativeClient } from '../../src/kube/client.js';
import { trafficMatches, waitForService } from '../../src/kube/wait.js';
import { condition } from '../../src/core/knative-types.js';
import { usePlayground } from '../helpers/playground.js';
import { requests, service, sim } from './sim-helpers.js';

const allTrafficToLatest = trafficMatches([{ latestRevision: true, percent: 100 }]);

describe('waitForService (watch-based) against the playground', () => {
  const pg = usePlayground();
  const client = () => createKnativeClient({ kubeconfig: pg.current.kubeconfigPath });

  test('resolves once observedGeneration == generation, Ready is True and the predicate holds; reports progress', async () => {
    const c = await client();
    const created = await c.createService(service('w-ok', { annotations: { 'sim.bgctl.dev/ready-after': '500ms' } }));
    await sim(pg.current, 'DELETE', 'requests');
    const progress: string[] = [];
    const done = await waitForService(c, 'w-ok', {
      timeoutMs: 20_000,
      from: created,
      predicate: allTrafficToLatest,
      onProgress: (p) => progress.push(p.message),
    });
    assert.equal(done.status?.observedGeneration, done.metadata.generation);
    assert.ok(allTrafficToLatest(done));
    assert.ok(progress.length >= 1, 'at least one progress message');
    const log = await requests(pg.current, { name: undefined });
    // Watching, not polling: no GET of the service, one watch from the write's resourceVersion.
    assert.equal(log.filter((r) => r.verb === 'get').length, 0);
    const watches = log.filter((r) => r.verb === 'watch');
    assert.equal(watches.length, 1);
    assert.equal(watches[0].query.resourceVersion, created.metadata.resourceVersion);
    assert.equal(watches[0].query.fieldSelector, 'metadata.name=w-ok');
  });

  test('Ready False (ContainerMissing) rejects with FailedError carrying the condition', async () => {
    const c = await client();
    const created = await c.createService(
      service('w-fail', {
        image: 'ghcr.io/bgctl/missing:v9',
        annotations: { 'sim.bgctl.dev/fail': 'ContainerMissing' },
      }),
    );
    await assert.rejects(waitForService(c, 'w-fail', { timeoutMs: 20_000, from: created }), (e: unknown) => {
      assert.ok(e instanceof FailedError, String(e));
      assert.equal(e.exitCode, 1);
      assert.match(e.message, /service "w-fail" is not ready: \w+/);
      assert.ok(e.reason && e.reason !== 'Failed');
      return true;
    });
  });

  test('trafficOnly: a traffic move after a failed deploy completes although Ready stays False', async () => {
    const c = await client();
    await c.createService(service('w-cfg'));
    await waitForService(c, 'w-cfg', { timeoutMs: 20_000 });
    // Pin w-cfg-00001, then a template change whose revision fails (a failed deploy onto pinned traffic).
    await c.patchService('w-cfg', [
      { op: 'add', path: '/spec/traffic', value: [{ revisionName: 'w-cfg-00001', percent: 100 }] },
      { op: 'add', path: '/spec/template/metadata', value: { annotations: { 'sim.bgctl.dev/fail': 'ExitCode1' } } },
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'ghcr.io/bgctl/hello:v2' },
    ]);
    const configFailed = (s: import('../../src/core/knative-types.js').KnativeService) =>
      s.status?.latestCreatedRevisionName === 'w-cfg-00002' && condition(s, 'ConfigurationsReady')?.status === 'False';
    await assert.rejects(
      waitForService(c, 'w-cfg', { timeoutMs: 20_000, predicate: configFailed }),
      (e: unknown) => e instanceof FailedError,
    );
    const failed = await c.getService('w-cfg');
    assert.ok(configFailed(failed), JSON.stringify(failed.status?.conditions));
    assert.equal(condition(failed, 'Ready')?.status, 'False');

    // A traffic-only write among ready revisions: tag the pinned revision.
    const desired = [{ tag: 'stable', revisionName: 'w-cfg-00001', percent: 100 }];
    const written = await c.patchService('w-cfg', [{ op: 'replace', path: '/spec/traffic', value: desired }]);
    const tagged = trafficMatches(desired);
    // Without the mode the configuration failure fails the wait (the earlier behaviour) ...
    await assert.rejects(
      waitForService(c, 'w-cfg', { timeoutMs: 20_000, from: written, predicate: tagged }),
      (e: unknown) => e instanceof FailedError && e.reason === condition(failed, 'Ready')?.reason,
    );
    // ... with it the wait ends once the route serves the plan, and the service is still not Ready.
    const done = await waitForService(c, 'w-cfg', {
      timeoutMs: 20_000,
      from: written,
      predicate: tagged,
      trafficOnly: { revisions: ['w-cfg-00001'] },
    });
    assert.ok(tagged(done));
    assert.equal(condition(done, 'RoutesReady')?.status, 'True');
    assert.equal(condition(done, 'Ready')?.status, 'False');
    // When the plan routes to the failed revision itself, the failure stands.
    await assert.rejects(
      waitForService(c, 'w-cfg', {
        timeoutMs: 20_000,
        from: written,
        predicate: tagged,
        trafficOnly: { revisions: ['w-cfg-00002'] },
      }),
      (e: unknown) => e instanceof FailedError,
    );
  });

  test('times out with TimeoutError (exit 6) naming the last status', async () => {
    const c = await client();
    const created = await c.createService(service('w-slow', { annotations: { 'sim.bgctl.dev/ready-after': '1h' } }));
    await assert.rejects(waitForService(c, 'w-slow', { timeoutMs: 1500, from: created }), (e: unknown) => {
      assert.ok(e instanceof TimeoutError, String(e));
      assert.equal(e.exitCode, 6);
      assert.match(e.message, /timed out after 1\.5s waiting for service "w-slow": \S/);
      return true;
    });
  });

  test('survives watch streams that the server keeps closing, resuming from the last resourceVersion', async () => {
    const c = await client();
    const created = await c.createService(service('w-close', { annotations: { 'sim.bgctl.dev/ready-after': '2s' } }));
    await sim(pg.current, 'DELETE', 'requests');
    await sim(pg.current, 'POST', 'faults', { closeWatchAfterMs: 300 });
    try {
      const done = await waitForService(c, 'w-close', { timeoutMs: 20_000, from: created });
      assert.equal(done.status?.conditions?.find((x) => x.type === 'Ready')?.status, 'True');
    } finally {
      await sim(pg.current, 'DELETE', 'faults');
    }
    const watches = await requests(pg.current, { verb: 'watch' });
    assert.ok(watches.length >= 2, `reconnected (${watches.length} watches)`);
    for (const w of watches)
      assert.match(w.query.resourceVersion ?? '', /^\d+$/, 'every watch resumes from a resourceVersion');
    const rvs = watches.map((w) => Number(w.query.resourceVersion));
    assert.ok(rvs.at(-1)! > rvs[0], 'later watches start after events already seen');
  });

  test('re-lists after a 410 Expired and keeps waiting', async () => {
    const c = await client();
    const created = await c.createService(service('w-410', { annotations: { 'sim.bgctl.dev/ready-after': '3s' } }));
    // Push the write's resourceVersion out of the server's watch history.
    const reg = pg.current.registry;
    const nsDef = reg.resource('namespaces', '')!;
    for (let i = 0; i < 5100; i++)
      reg.patch(
        nsDef,
        undefined,
        'kube-public',
        'merge',
        { metadata: { labels: { churn: String(i) } } },
        { user: 'test' },
      );
    await sim(pg.current, 'DELETE', 'requests');
    const done = await waitForService(c, 'w-410', { timeoutMs: 20_000, from: created });
    assert.equal(done.status?.conditions?.find((x) => x.type === 'Ready')?.status, 'True');
    const log = await requests(pg.current, { resource: 'services' });
    const kinds = log.map((r) => r.verb);
    assert.equal(kinds[0], 'watch');
    assert.equal(kinds[1], 'list', 're-listed after the 410');
    assert.ok(kinds.slice(2).includes('watch') || log.length === 2);
  });

  test('an AbortSignal cancels the wait; a deleted service fails it', async () => {
    const c = await client();
    const created = await c.createService(service('w-abort', { annotations: { 'sim.bgctl.dev/ready-after': '1h' } }));
    const ac = new AbortController();
    // Aborted once the wait has seen the service (its first progress report), not after a delay.
    const p = waitForService(c, 'w-abort', {
      timeoutMs: 20_000,
      from: created,
      signal: ac.signal,
      onProgress: () => ac.abort(),
    });
    await assert.rejects(p, (e: unknown) => e instanceof CancelError && e.exitCode === 130);

    // Deleted right after the first look (the list), so the DELETED event reaches the watch that follows.
    let deleted = false;
    const p2 = waitForService(c, 'w-abort', {
      timeoutMs: 20_000,
      onProgress: () => {
        if (deleted) return;
        deleted = true;
        const def = pg.current.registry.resource('services', 'serving.knative.dev')!;
        pg.current.registry.delete(def, 'default', 'w-abort', { user: 'test' });
      },
    });
    await assert.rejects(p2, (e: unknown) => e instanceof FailedError && e.reason === 'Deleted');
  });
});
