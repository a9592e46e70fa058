// Route target resolution cases of knative-serving.md §1.6/§1.7 G and I, and standalone objects.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../src/sim/api/contracts.js';
import { cond, isFailed, isReady, startHarness, template, USER, type Harness } from './harness.js';

describe('route target resolution', () => {
  let h: Harness;
  before(() => {
    h = startHarness();
  });
  after(() => h.close());

  test('template and traffic in one update: missing, then not yet ready, then served (§1.7 I, G)', async () => {
    h.createService('both', { template: template('img:1') });
    await h.waitFor('services', 'both', isReady, 'ready');
    const seen: string[] = [];
    const stop = h.registry.watch(h.defs.routes, 'default', { fieldSelector: 'metadata.name=both' }, (ev) => {
      const c = cond(ev.object as KObject, 'AllTrafficAssigned');
      const s = `${c?.status}/${c?.reason ?? ''}/${c?.message ?? ''}`;
      if (seen[seen.length - 1] !== s) seen.push(s);
    });
    try {
      h.mergePatch('services', 'both', {
        spec: {
          template: template('img:2', { 'sim.bgctl.dev/ready-after': '400ms' }),
          traffic: [
            { revisionName: 'both-00001', percent: 50 },
            { revisionName: 'both-00002', percent: 50 },
          ],
        },
      });
      const svc = await h.waitFor(
        'services',
        'both',
        (o) => isReady(o) && o.status.traffic?.length === 2,
        'split served',
      );
      assert.deepEqual(
        svc.status.traffic.map((t: { revisionName: string; percent: number }) => `${t.revisionName}:${t.percent}`),
        ['both-00001:50', 'both-00002:50'],
      );
    } finally {
      stop();
    }
    assert.ok(seen.includes('Unknown/RevisionMissing/Revision "both-00002" is not yet ready.'), seen.join('\n'));
    assert.equal(seen[seen.length - 1], 'True//');
  });

  test('a failed revision named in traffic: False "failed to become ready", old traffic kept', async () => {
    h.createService('bad', { template: template('img:1') });
    await h.waitFor('services', 'bad', isReady, 'ready');
    h.mergePatch('services', 'bad', {
      spec: { template: template('img:2', { 'sim.bgctl.dev/fail': 'ExitCode1', 'sim.bgctl.dev/ready-after': '10ms' }) },
    });
    await h.waitFor('revisions', 'bad-00002', isFailed, 'revision failed');
    h.mergePatch('services', 'bad', { spec: { traffic: [{ revisionName: 'bad-00002', percent: 100 }] } });
    const route = await h.waitFor('routes', 'bad', isFailed, 'route failed');
    assert.equal(cond(route, 'AllTrafficAssigned')!.message, 'Revision "bad-00002" failed to become ready.');
    assert.deepEqual(route.status.traffic, [{ revisionName: 'bad-00001', latestRevision: true, percent: 100 }]);
  });

  test('entries with equal tag, revision and latestRevision are merged (percents add up)', async () => {
    h.createService('merge', { template: template('img:1') });
    await h.waitFor('services', 'merge', isReady, 'ready');
    h.mergePatch('services', 'merge', {
      spec: {
        traffic: [
          { revisionName: 'merge-00001', percent: 30 },
          { revisionName: 'merge-00001', percent: 70 },
        ],
      },
    });
    const route = await h.waitFor('routes', 'merge', (o) => isReady(o) && o.metadata.generation === 2, 'route ready');
    assert.deepEqual(route.status.traffic, [{ revisionName: 'merge-00001', latestRevision: false, percent: 100 }]);
    // The Service sees fewer status entries than spec entries: TrafficNotMigrated (upstream quirk).
    const svc = await h.waitFor(
      'services',
      'merge',
      (o) => cond(o, 'RoutesReady')?.reason === 'TrafficNotMigrated',
      'not migrated',
    );
    assert.equal(cond(svc, 'RoutesReady')!.message, 'Traffic is not yet migrated to the latest revision.');
  });

  test('standalone Route and Configuration: ConfigurationMissing, then served; labeler marks the revision active', async () => {
    const routeDef = h.defs.routes;
    h.registry.create(
      routeDef,
      'default',
      {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Route',
        metadata: { name: 'solo' },
        spec: { traffic: [{ configurationName: 'solo-cfg', percent: 100 }] },
      },
      USER,
    );
    const missing = await h.waitFor('routes', 'solo', isFailed, 'missing config');
    assert.equal(cond(missing, 'AllTrafficAssigned')!.reason, 'ConfigurationMissing');
    assert.equal(
      cond(missing, 'AllTrafficAssigned')!.message,
      'Configuration "solo-cfg" referenced in traffic not found.',
    );
    const states: string[] = [];
    const stop = h.registry.watch(
      h.defs.revisions,
      'default',
      { fieldSelector: 'metadata.name=solo-cfg-00001' },
      (ev) => {
        const st = (ev.object as KObject).metadata.labels?.['serving.knative.dev/routingState'] ?? '';
        if (states[states.length - 1] !== st) states.push(st);
      },
    );
    h.registry.create(
      h.defs.configurations,
      'default',
      {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Configuration',
        metadata: { name: 'solo-cfg' },
        spec: { template: template('img:1') },
      },
      USER,
    );
    const rev = await h.waitFor('revisions', 'solo-cfg-00001', () => true, 'revision');
    assert.equal(rev.metadata.labels!['serving.knative.dev/service'], undefined);
    // The Route hears about the Configuration it names once that exists (tracker semantics).
    const route = await h.waitFor('routes', 'solo', isReady, 'route ready');
    assert.deepEqual(route.status.traffic, [{ revisionName: 'solo-cfg-00001', latestRevision: true, percent: 100 }]);
    const active = await h.waitFor(
      'revisions',
      'solo-cfg-00001',
      (o) => o.metadata.labels?.['serving.knative.dev/routingState'] === 'active',
      'active',
    );
    assert.equal(active.metadata.annotations!['serving.knative.dev/routes'], 'solo');
    assert.equal(h.get('configurations', 'solo-cfg').metadata.annotations!['serving.knative.dev/routes'], 'solo');
    stop();
    // Born pending, or born active when the labeler reached the Configuration first (both happen upstream).
    assert.equal(states[states.length - 1], 'active');
    assert.ok(['pending,active', 'active'].includes(states.join(',')), states.join(','));
  });

  test('a Configuration no Route names stamps revisions that stay pending', async () => {
    h.registry.create(
      h.defs.configurations,
      'default',
      {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Configuration',
        metadata: { name: 'lonely' },
        spec: { template: template('img:1') },
      },
      USER,
    );
    const rev = await h.waitFor('revisions', 'lonely-00001', isReady, 'revision ready');
    assert.equal(rev.metadata.labels!['serving.knative.dev/routingState'], 'pending');
    assert.equal(rev.metadata.annotations?.['serving.knative.dev/routes'], undefined);
    const cfg = await h.waitFor('configurations', 'lonely', isReady, 'configuration ready');
    assert.equal(cfg.status.latestReadyRevisionName, 'lonely-00001');
  });
});
