import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject, RequestContext } from '../../../src/sim/api/contracts.js';
import { knativeAdmission } from '../../../src/sim/knative/admission/index.js';

const alice: RequestContext = { user: 'alice' };
const bob: RequestContext = { user: 'bob' };
const CONTROLLER: RequestContext = { user: 'system:serviceaccount:knative-serving:controller' };

function service(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: 'hello', namespace: 'default', ...metadata },
    spec,
  };
}
const template = (containers: unknown[] = [{ image: 'img:v1' }], extra: Record<string, unknown> = {}) => ({
  spec: { containers, ...extra },
});

/** mutate on a copy, as the registry does before storing. */
function mutated(
  plural: keyof typeof knativeAdmission,
  obj: KObject,
  old?: KObject,
  ctx: RequestContext = alice,
): KObject {
  const o = structuredClone(obj);
  knativeAdmission[plural].mutate?.(o, old, ctx);
  return o;
}

const DEFAULT_CONTAINER = {
  name: 'user-container',
  image: 'img:v1',
  resources: {},
  readinessProbe: { tcpSocket: { port: 0 }, successThreshold: 1 },
};

describe('Service defaulting on create', () => {
  test('a minimal Service gets the documented template, traffic and annotations', () => {
    const got = mutated('services', service({ template: template() }));
    assert.deepEqual(got.metadata.annotations, {
      'serving.knative.dev/creator': 'alice',
      'serving.knative.dev/lastModifier': 'alice',
    });
    assert.deepEqual(got.spec, {
      template: {
        spec: {
          containers: [DEFAULT_CONTAINER],
          timeoutSeconds: 300,
          containerConcurrency: 0,
          enableServiceLinks: false,
        },
      },
      traffic: [{ latestRevision: true, percent: 100 }],
    });
  });

  for (const [name, traffic] of [
    ['null', null],
    ['[]', []],
  ] as const) {
    test(`traffic ${name} becomes latest/100`, () => {
      assert.deepEqual(mutated('services', service({ template: template(), traffic })).spec.traffic, [
        { latestRevision: true, percent: 100 },
      ]);
    });
  }

  test('per-entry defaults: latestRevision = no revisionName, percent 0; keys in Go order', () => {
    const got = mutated(
      'services',
      service({
        template: template(),
        traffic: [
          { percent: 50, revisionName: 'hello-00001', tag: 'blue' },
          { tag: 'latest' },
          { percent: 50, latestRevision: true },
        ],
      }),
    );
    assert.deepEqual(got.spec.traffic, [
      { tag: 'blue', revisionName: 'hello-00001', latestRevision: false, percent: 50 },
      { tag: 'latest', latestRevision: true, percent: 0 },
      { latestRevision: true, percent: 50 },
    ]);
    assert.deepEqual(Object.keys(got.spec.traffic[0]), ['tag', 'revisionName', 'latestRevision', 'percent']);
  });

  test('explicit values are kept; timeoutSeconds 0 means "use the default"', () => {
    const got = mutated(
      'services',
      service({
        template: template([{ image: 'i', name: 'app', resources: { limits: { cpu: '1' } } }], {
          timeoutSeconds: 0,
          containerConcurrency: 10,
          enableServiceLinks: true,
        }),
      }),
    );
    assert.equal(got.spec.template.spec.timeoutSeconds, 300);
    assert.equal(got.spec.template.spec.containerConcurrency, 10);
    assert.equal(got.spec.template.spec.enableServiceLinks, true);
    assert.equal(got.spec.template.spec.containers[0].name, 'app');
    assert.deepEqual(got.spec.template.spec.containers[0].resources, { limits: { cpu: '1' } });
    const kept = mutated('services', service({ template: template([{ image: 'i' }], { timeoutSeconds: 100 }) }));
    assert.equal(kept.spec.template.spec.timeoutSeconds, 100);
  });

  test('a user-defined probe keeps its handler and gets successThreshold 1', () => {
    const got = mutated(
      'services',
      service({ template: template([{ image: 'i', readinessProbe: { httpGet: { path: '/healthz' } } }]) }),
    );
    assert.deepEqual(got.spec.template.spec.containers[0].readinessProbe, {
      httpGet: { path: '/healthz' },
      successThreshold: 1,
    });
    const periodic = mutated(
      'services',
      service({ template: template([{ image: 'i', readinessProbe: { periodSeconds: 5 } }]) }),
    );
    assert.deepEqual(periodic.spec.template.spec.containers[0].readinessProbe, {
      periodSeconds: 5,
      tcpSocket: { port: 0 },
      successThreshold: 1,
      failureThreshold: 3,
      timeoutSeconds: 1,
    });
  });

  test('several containers: suffixed names avoiding user names; probe only on the serving container', () => {
    const got = mutated(
      'services',
      service({
        template: template([
          { image: 'a' },
          { name: 'user-container-0', image: 'b' },
          { image: 'c', ports: [{ containerPort: 8080 }] },
        ]),
      }),
    );
    const cs = got.spec.template.spec.containers;
    assert.deepEqual(
      cs.map((c: any) => c.name),
      ['user-container-1', 'user-container-0', 'user-container-2'],
    );
    assert.deepEqual(
      cs.map((c: any) => c.readinessProbe !== undefined),
      [false, false, true],
    );
    assert.deepEqual(
      cs.map((c: any) => c.resources),
      [{}, {}, {}],
    );
  });

  test('without user info no annotations are added', () => {
    const got = mutated('services', service({ template: template() }), undefined, { user: '' });
    assert.equal(got.metadata.annotations, undefined);
  });
});

describe('Service defaulting on update', () => {
  const stored = mutated('services', service({ template: template() }));

  test('a merge patch that nulls traffic comes back as latest/100', () => {
    const next = structuredClone(stored);
    next.spec.traffic = null;
    assert.deepEqual(mutated('services', next, stored, bob).spec.traffic, [{ latestRevision: true, percent: 100 }]);
  });

  test('enableServiceLinks is only defaulted on create', () => {
    const next = service({ template: template([{ image: 'img:v2' }]) });
    const got = mutated('services', next, stored, bob);
    assert.equal(got.spec.template.spec.enableServiceLinks, undefined);
    assert.equal(got.spec.template.spec.timeoutSeconds, 300);
  });

  test('lastModifier follows a spec change; creator never changes', () => {
    const next = structuredClone(stored);
    next.spec.template.spec.containers[0].image = 'img:v2';
    const got = mutated('services', next, stored, bob);
    assert.deepEqual(got.metadata.annotations, {
      'serving.knative.dev/creator': 'alice',
      'serving.knative.dev/lastModifier': 'bob',
    });
  });

  test('a metadata-only change keeps lastModifier', () => {
    const next = structuredClone(stored);
    next.metadata.labels = { team: 'a' };
    assert.equal(
      mutated('services', next, stored, bob).metadata.annotations?.['serving.knative.dev/lastModifier'],
      'alice',
    );
  });

  test('a spec that only differs by defaults is not a change', () => {
    const next = service({ template: template() }, { annotations: stored.metadata.annotations });
    next.spec.template.spec.enableServiceLinks = false;
    assert.equal(
      mutated('services', next, stored, bob).metadata.annotations?.['serving.knative.dev/lastModifier'],
      'alice',
    );
  });

  test('an unchanged BYO name skips template defaulting; a renamed one is defaulted', () => {
    const byo = mutated('services', service({ template: { metadata: { name: 'hello-v1' }, ...template() } }));
    const same = mutated(
      'services',
      service({ template: { metadata: { name: 'hello-v1' }, ...template([{ image: 'img:v2' }]) } }),
      byo,
      bob,
    );
    assert.deepEqual(same.spec.template.spec, { containers: [{ image: 'img:v2' }] });
    assert.deepEqual(same.spec.traffic, [{ latestRevision: true, percent: 100 }]);
    const renamed = mutated(
      'services',
      service({ template: { metadata: { name: 'hello-v2' }, ...template([{ image: 'img:v2' }]) } }),
      byo,
      bob,
    );
    assert.equal(renamed.spec.template.spec.containers[0].name, 'user-container');
    assert.equal(renamed.spec.template.spec.timeoutSeconds, 300);
  });
});

describe('defaulting of controller-made objects', () => {
  const owner = [{ apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello', uid: 'u1', controller: true }];

  test('an owned Configuration keeps the copied annotations and gets template defaults', () => {
    const cfg: KObject = {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Configuration',
      metadata: {
        name: 'hello',
        ownerReferences: owner,
        annotations: { 'serving.knative.dev/creator': 'alice', 'serving.knative.dev/lastModifier': 'alice' },
      },
      spec: { template: template() },
    };
    const got = mutated('configurations', cfg, undefined, CONTROLLER);
    assert.deepEqual(got.metadata.annotations, cfg.metadata.annotations);
    assert.deepEqual(got.spec.template.spec.containers, [DEFAULT_CONTAINER]);
  });

  test('a standalone Configuration gets creator/lastModifier', () => {
    const got = mutated('configurations', {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Configuration',
      metadata: { name: 'c' },
      spec: { template: template() },
    });
    assert.equal(got.metadata.annotations?.['serving.knative.dev/creator'], 'alice');
  });

  test('a Route gets per-entry defaults but no default list; owned Routes get no user annotations', () => {
    const rt: KObject = {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Route',
      metadata: { name: 'hello', ownerReferences: owner },
      spec: { traffic: [{ configurationName: 'hello', percent: 100 }, { revisionName: 'hello-00001' }] },
    };
    const got = mutated('routes', rt, undefined, CONTROLLER);
    assert.deepEqual(got.spec.traffic, [
      { configurationName: 'hello', latestRevision: true, percent: 100 },
      { revisionName: 'hello-00001', latestRevision: false, percent: 0 },
    ]);
    assert.equal(got.metadata.annotations, undefined);
    assert.deepEqual(mutated('routes', { ...rt, spec: {} }).spec, {});
    assert.equal(
      mutated('routes', { ...rt, metadata: { name: 'r' } }).metadata.annotations?.['serving.knative.dev/creator'],
      'alice',
    );
  });

  test('a Revision is defaulted on create only', () => {
    const rev: KObject = {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Revision',
      metadata: { name: 'hello-00001' },
      spec: { containers: [{ image: 'img:v1' }] },
    };
    const created = mutated('revisions', rev, undefined, CONTROLLER);
    assert.deepEqual(created.spec, {
      containers: [DEFAULT_CONTAINER],
      timeoutSeconds: 300,
      containerConcurrency: 0,
      enableServiceLinks: false,
    });
    assert.deepEqual(mutated('revisions', rev, created, CONTROLLER).spec, rev.spec);
    assert.equal(created.metadata.annotations, undefined);
  });
});

describe('revision_defaults.go details', () => {
  const containersOf = (spec: Record<string, unknown>) =>
    (mutated('services', service({ template: { spec } })).spec as any).template.spec;

  test("a sidecar's readiness probe gets the threshold defaults but no handler", () => {
    const got = containersOf({
      containers: [
        { image: 'img:v1', ports: [{ containerPort: 8080 }] },
        { image: 'img:v1', readinessProbe: { exec: { command: ['true'] }, periodSeconds: 5 } },
      ],
    });
    assert.deepEqual(got.containers[1].readinessProbe, {
      exec: { command: ['true'] },
      periodSeconds: 5,
      successThreshold: 1,
      failureThreshold: 3,
      timeoutSeconds: 1,
    });
    assert.equal(got.containers[1].readinessProbe.tcpSocket, undefined);
  });

  test('mounts of emptyDir volumes stay writable; other mounts become readOnly', () => {
    const got = containersOf({
      containers: [
        {
          image: 'img:v1',
          volumeMounts: [
            { name: 'scratch', mountPath: '/s' },
            { name: 'cfg', mountPath: '/c' },
          ],
        },
      ],
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'cfg', configMap: { name: 'cfg' } },
      ],
    });
    assert.deepEqual(got.containers[0].volumeMounts, [
      { name: 'scratch', mountPath: '/s' },
      { name: 'cfg', mountPath: '/c', readOnly: true },
    ]);
  });

  test('a gRPC probe gets an empty service name', () => {
    const got = containersOf({ containers: [{ image: 'img:v1', livenessProbe: { grpc: { port: 9000 } } }] });
    assert.deepEqual(got.containers[0].livenessProbe, { grpc: { port: 9000, service: '' } });
  });
});
