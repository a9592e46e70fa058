// What the Service controller creates, the labeler's routing metadata, and deletion.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cond, isReady, startHarness, template, USER, type Harness } from './harness.js';

describe('children of a Service', () => {
  let h: Harness;
  before(() => {
    h = startHarness();
  });
  after(() => h.close());

  test('Configuration, Route and Revision carry Knative names, labels, annotations and owners', async () => {
    h.createService('meta', { template: template('img:1', { 'example.com/t': 'x' }) }, { labels: { team: 'a' } });
    const svc = await h.waitFor('services', 'meta', isReady, 'ready');
    const cfg = h.get('configurations', 'meta');
    const route = h.get('routes', 'meta');
    const rev = h.get('revisions', 'meta-00001');
    const owner = {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      name: 'meta',
      uid: svc.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    };
    assert.deepEqual(cfg.metadata.ownerReferences, [owner]);
    assert.deepEqual(route.metadata.ownerReferences, [owner]);
    assert.deepEqual(rev.metadata.ownerReferences, [{ ...owner, kind: 'Configuration', uid: cfg.metadata.uid }]);
    assert.equal(cfg.metadata.labels!.team, 'a');
    assert.equal(cfg.metadata.labels!['serving.knative.dev/service'], 'meta');
    assert.equal(cfg.metadata.labels!['serving.knative.dev/serviceUID'], svc.metadata.uid);
    assert.equal(route.metadata.labels!['serving.knative.dev/service'], 'meta');
    for (const o of [cfg, route]) {
      assert.equal(o.metadata.annotations!['serving.knative.dev/creator'], 'alice');
      assert.equal(o.metadata.annotations!['serving.knative.dev/lastModifier'], 'alice');
    }
    assert.equal(cfg.metadata.annotations!['serving.knative.dev/routes'], 'meta');
    assert.deepEqual(cfg.spec.template, svc.spec.template);
    assert.deepEqual(route.spec.traffic, [{ latestRevision: true, percent: 100, configurationName: 'meta' }]);
    assert.deepEqual(route.metadata.finalizers, ['routes.serving.knative.dev']);
    const labels = rev.metadata.labels!;
    assert.equal(labels['serving.knative.dev/configuration'], 'meta');
    assert.equal(labels['serving.knative.dev/service'], 'meta');
    assert.equal(labels['serving.knative.dev/configurationGeneration'], '1');
    assert.equal(labels['serving.knative.dev/configurationUID'], cfg.metadata.uid);
    assert.equal(labels['serving.knative.dev/serviceUID'], svc.metadata.uid);
    assert.equal(labels['serving.knative.dev/routingState'], 'active', 'born active: the Configuration is routed');
    assert.equal(rev.metadata.annotations!['serving.knative.dev/routes'], 'meta');
    assert.equal(rev.metadata.annotations!['serving.knative.dev/creator'], 'alice');
    assert.equal(rev.metadata.annotations!['example.com/t'], 'x');
    assert.match(
      rev.metadata.annotations!['serving.knative.dev/routingStateModified'],
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    assert.equal(cond(rev, 'Active')!.severity, 'Info');
    assert.equal(cond(rev, 'Active')!.status, 'True');
    assert.deepEqual(cond(route, 'CertificateProvisioned'), {
      ...cond(route, 'CertificateProvisioned'),
      status: 'True',
      reason: 'TLSNotEnabled',
      message: 'external-domain-tls is not enabled',
    });
    assert.deepEqual(
      route.status.conditions.map((c: { type: string }) => c.type),
      ['AllTrafficAssigned', 'CertificateProvisioned', 'IngressReady', 'Ready'],
    );
    assert.deepEqual(
      rev.status.conditions.map((c: { type: string }) => c.type),
      ['Active', 'ContainerHealthy', 'Ready', 'ResourcesAvailable'],
    );
    assert.deepEqual(svc.status.address, { url: 'http://meta.default.svc.cluster.local' });
  });

  test('labeler: unreferenced revisions go reserve; a tagged 0% target stays active', async () => {
    h.createService('lab', { template: template('img:1') });
    await h.waitFor('services', 'lab', isReady, 'ready');
    h.mergePatch('services', 'lab', {
      spec: { template: template('img:2'), traffic: [{ revisionName: 'lab-00001', percent: 100 }] },
    });
    await h.waitFor(
      'services',
      'lab',
      (o) => isReady(o) && o.status.latestReadyRevisionName === 'lab-00002',
      'second revision',
    );
    h.mergePatch('services', 'lab', {
      spec: {
        template: template('img:3'),
        traffic: [
          { revisionName: 'lab-00002', percent: 100 },
          { tag: 'old', revisionName: 'lab-00001', percent: 0 },
        ],
      },
    });
    await h.waitFor(
      'services',
      'lab',
      (o) => isReady(o) && o.status.latestReadyRevisionName === 'lab-00003',
      'third revision',
    );
    // Only lab-00002 and the tagged lab-00001 are referenced (no latestRevision target), so
    // lab-00003, born active, is released once the Route is Ready.
    const r3 = await h.waitFor(
      'revisions',
      'lab-00003',
      (o) => o.metadata.labels?.['serving.knative.dev/routingState'] === 'reserve',
      'reserve',
    );
    assert.equal(r3.metadata.annotations?.['serving.knative.dev/routes'], undefined);
    assert.equal(h.get('revisions', 'lab-00001').metadata.labels!['serving.knative.dev/routingState'], 'active');
    assert.equal(h.get('revisions', 'lab-00002').metadata.annotations!['serving.knative.dev/routes'], 'lab');
  });

  test('deleting the Service removes the Route once its finalizer is done, and the rest by cascade', async () => {
    h.createService('gone', { template: template('img:1') });
    await h.waitFor('services', 'gone', isReady, 'ready');
    h.registry.delete(h.defs.services, 'default', 'gone', { ...USER, propagationPolicy: 'Background' });
    h.until(
      () => !(h.tryGet('routes', 'gone') || h.tryGet('configurations', 'gone') || h.tryGet('revisions', 'gone-00001')),
      'the cascade',
    );
    assert.equal(h.tryGet('routes', 'gone'), undefined);
    assert.equal(h.tryGet('configurations', 'gone'), undefined);
    assert.equal(h.tryGet('revisions', 'gone-00001'), undefined);
  });

  test('a Foreground delete keeps the Service until the Route (finalizer) and the rest are gone', async () => {
    h.createService('fore', { template: template('img:1') });
    await h.waitFor('services', 'fore', isReady, 'ready');
    const order: string[] = [];
    const stop = h.registry.onChange(
      (ev) => ev.type === 'DELETED' && order.push(`${ev.resource.plural}/${ev.object.metadata.name}`),
    );
    try {
      const d = h.registry.delete(h.defs.services, 'default', 'fore', { ...USER, propagationPolicy: 'Foreground' });
      assert.deepEqual(d.object.metadata.finalizers, ['foregroundDeletion']);
      h.until(() => !h.tryGet('services', 'fore'), 'the Service to go');
    } finally {
      stop();
    }
    assert.equal(order[order.length - 1], 'services/fore');
    assert.deepEqual(order.slice(0, -1).sort(), ['configurations/fore', 'revisions/fore-00001', 'routes/fore']);
    assert.deepEqual(h.errors, []);
  });

  test('cluster-local: the visibility label keeps every URL on svc.cluster.local', async () => {
    h.createService(
      'priv',
      { template: template('img:1'), traffic: [{ latestRevision: true, percent: 100, tag: 'now' }] },
      { labels: { 'networking.knative.dev/visibility': 'cluster-local' } },
    );
    const svc = await h.waitFor('services', 'priv', isReady, 'ready');
    assert.equal(svc.status.url, 'http://priv.default.svc.cluster.local');
    assert.equal(svc.status.traffic[0].url, 'http://now-priv.default.svc.cluster.local');
  });

  test('a Configuration that is not ours is reported, not taken over', async () => {
    h.registry.create(
      h.defs.configurations,
      'default',
      {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Configuration',
        metadata: { name: 'squat' },
        spec: { template: template('img:0') },
      },
      USER,
    );
    h.createService('squat', { template: template('img:1') });
    const svc = await h.waitFor(
      'services',
      'squat',
      (o) => cond(o, 'ConfigurationsReady')?.status === 'False',
      'not owned',
    );
    assert.equal(cond(svc, 'ConfigurationsReady')!.reason, 'NotOwned');
    assert.equal(
      cond(svc, 'ConfigurationsReady')!.message,
      'There is an existing Configuration "squat" that we do not own.',
    );
  });

  test('no reconcile errors were swallowed', () => {
    assert.deepEqual(
      h.errors.filter((e) => !/not found/i.test(e)),
      [],
    );
  });
});

describe('domain svc.cluster.local', () => {
  test('the default domain makes routes cluster-local', async () => {
    const h = startHarness({ domain: 'svc.cluster.local' });
    try {
      h.createService('dflt', { template: template('img:1') });
      const svc = await h.waitFor('services', 'dflt', isReady, 'ready');
      assert.equal(svc.status.url, 'http://dflt.default.svc.cluster.local');
    } finally {
      h.close();
    }
  });
});
