// The fleet's shared watch (src/kube/namespace-watch.ts through createSharedConnection) against the playground:
// several waits in a namespace ride one namespace-wide watch, and a 410 Expired is followed by a fresh LIST.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKnativeClient, createSharedConnection } from '../../src/kube/client.js';
import { waitForService } from '../../src/kube/wait.js';
import type { KnativeService } from '../../src/core/knative-types.js';
import { usePlayground } from '../helpers/playground.js';
import { requests, sim } from './sim-helpers.js';

const SYSTEM = { user: 'system:admin', fieldManager: 'test' };

describe('shared namespace watch (fleet waits) against the playground', () => {
  const pg = usePlayground();
  const defs = () => ({
    svc: pg.current.registry.resource('services', 'serving.knative.dev')!,
    ns: pg.current.registry.resource('namespaces', '')!,
  });
  const create = (namespace: string, name: string, annotations?: Record<string, string>) =>
    pg.current.registry.create(
      defs().svc,
      namespace,
      {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name, namespace, ...(annotations && { annotations }) },
        spec: { template: { spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v1' }] } } },
      },
      SYSTEM,
    );
  const ready = (s: KnativeService) =>
    s.status?.observedGeneration === s.metadata.generation &&
    (s.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  const newRevisionReady = (previous: string | undefined) => (s: KnativeService) =>
    ready(s) && s.status?.latestReadyRevisionName !== previous;

  test('five waits in two namespaces: one LIST and one watch per namespace, none per service', async () => {
    pg.current.registry.create(
      defs().ns,
      undefined,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } },
      SYSTEM,
    );
    const targets = [
      ['default', 'nw-a'],
      ['default', 'nw-b'],
      ['default', 'nw-c'],
      ['team-b', 'nw-d'],
      ['team-b', 'nw-e'],
    ] as const;
    for (const [ns, name] of targets) create(ns, name);
    const conn = await createSharedConnection({ kubeconfig: pg.current.kubeconfigPath });
    try {
      // Ready first, on clients of their own (the shared connection starts after the log is cleared).
      await Promise.all(
        targets.map(async ([ns, name]) =>
          waitForService(await createKnativeClient({ kubeconfig: pg.current.kubeconfigPath, namespace: ns }), name, {
            timeoutMs: 30_000,
            predicate: ready,
          }),
        ),
      );
      await sim(pg.current, 'DELETE', 'requests');
      const waited = await Promise.all(
        targets.map(async ([ns, name]) => {
          const c = conn.forNamespace(ns);
          const before = await c.getService(name);
          const written = await c.patchService(name, [
            { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'ghcr.io/bgctl/hello:v2' },
          ]);
          return waitForService(c, name, {
            timeoutMs: 30_000,
            from: written,
            predicate: newRevisionReady(before.status?.latestReadyRevisionName),
          });
        }),
      );
      for (const [i, svc] of waited.entries())
        assert.equal(svc.status?.latestReadyRevisionName, `${targets[i][1]}-00002`);
      const watches = await requests(pg.current, { verb: 'watch', resource: 'services' });
      assert.deepEqual(
        watches.map((w) => (w as { namespace?: string }).namespace).sort(),
        ['default', 'team-b'],
        'one watch per namespace',
      );
      for (const w of watches) assert.equal(w.query.fieldSelector, undefined, 'the watch covers the namespace');
      const lists = await requests(pg.current, { verb: 'list', resource: 'services' });
      assert.deepEqual(lists.map((l) => (l as { namespace?: string }).namespace).sort(), ['default', 'team-b']);
      for (const l of lists) assert.equal(l.query.fieldSelector, undefined, 'the LIST covers the namespace');
      assert.equal((await requests(pg.current, { verb: 'get', resource: 'services' })).length, targets.length);
    } finally {
      conn.close();
    }
  });

  test('a 410 Expired on resuming the shared watch is followed by a fresh LIST; the waits go on', async () => {
    create('default', 'nw-410');
    const conn = await createSharedConnection({ kubeconfig: pg.current.kubeconfigPath });
    try {
      const c = conn.forNamespace('default');
      const first = await waitForService(c, 'nw-410', { timeoutMs: 30_000, predicate: ready });
      conn.close();
      // A new connection, streams cut after 300 ms: every resume starts from the stream's last resourceVersion.
      await sim(pg.current, 'POST', 'faults', { closeWatchAfterMs: 300, verbs: ['watch'] });
      await sim(pg.current, 'DELETE', 'requests');
      const conn2 = await createSharedConnection({ kubeconfig: pg.current.kubeconfigPath });
      try {
        const c2 = conn2.forNamespace('default');
        const marked = waitForService(c2, 'nw-410', {
          timeoutMs: 30_000,
          from: first,
          predicate: (s) => s.metadata.annotations?.['example.com/go'] === 'yes',
        });
        // No service event comes meanwhile: the stream's resourceVersion stays where the LIST left it.
        while ((await requests(pg.current, { verb: 'watch', resource: 'services' })).length === 0);
        // Push that resourceVersion out of the server's watch history.
        const reg = pg.current.registry;
        for (let i = 0; i < 5100; i++)
          reg.patch(
            defs().ns,
            undefined,
            'kube-public',
            'merge',
            { metadata: { labels: { churn: String(i) } } },
            SYSTEM,
          );
        // The cut stream resumes, gets 410 and lists again; then the change the wait is for.
        while ((await requests(pg.current, { verb: 'list', resource: 'services' })).length < 2);
        reg.patch(
          defs().svc,
          'default',
          'nw-410',
          'merge',
          { metadata: { annotations: { 'example.com/go': 'yes' } } },
          SYSTEM,
        );
        const done = await marked;
        assert.equal(done.metadata.annotations?.['example.com/go'], 'yes');
        const log = await requests(pg.current, { resource: 'services' });
        assert.ok(
          log.every((r) => r.query.fieldSelector === undefined),
          'only the shared LIST and watch',
        );
        assert.ok(log.filter((r) => r.verb === 'list').length >= 2, 're-listed after the 410');
      } finally {
        conn2.close();
      }
    } finally {
      await sim(pg.current, 'DELETE', 'faults');
      conn.close();
    }
  });
});
