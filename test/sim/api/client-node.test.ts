import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import {
  startApiFixture,
  ksvc,
  bodyOf,
  rejection,
  SERVICES,
  mergePatch,
  jsonPatch,
  type ApiFixture,
} from './fixture.js';
import { until } from '../wait.js';

const ssa = () => k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply);

describe('client-node over HTTPS', () => {
  let f: ApiFixture;
  let api: k8s.CustomObjectsApi;
  before(async () => {
    f = await startApiFixture();
    api = f.kc.makeApiClient(k8s.CustomObjectsApi);
  });
  after(() => f.stop());

  test('create, get, list, replace, delete', async () => {
    const created = await api.createNamespacedCustomObject({ ...SERVICES, body: ksvc('crud') });
    assert.equal(created.metadata.generation, 1);
    const got = await api.getNamespacedCustomObject({ ...SERVICES, name: 'crud' });
    assert.equal(got.metadata.uid, created.metadata.uid);
    const list = await api.listNamespacedCustomObject({ ...SERVICES });
    assert.equal(list.kind, 'ServiceList');
    assert.ok(list.items.some((i: any) => i.metadata.name === 'crud'));
    got.spec.template.spec.containers[0].image = 'ghcr.io/bgctl/hello:v2';
    const replaced = await api.replaceNamespacedCustomObject({ ...SERVICES, name: 'crud', body: got });
    assert.equal(replaced.metadata.generation, 2);
    const stale = await rejection(() => api.replaceNamespacedCustomObject({ ...SERVICES, name: 'crud', body: got }));
    assert.equal(stale.code, 409);
    assert.equal(bodyOf(stale).reason, 'Conflict');
    const del = await api.deleteNamespacedCustomObject({ ...SERVICES, name: 'crud' });
    assert.equal(del.status, 'Success');
    assert.equal(del.details.uid, created.metadata.uid);
    const nf = await rejection(() => api.getNamespacedCustomObject({ ...SERVICES, name: 'crud' }));
    assert.equal(nf.code, 404);
    assert.deepEqual(bodyOf(nf), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'services.serving.knative.dev "crud" not found',
      reason: 'NotFound',
      details: { name: 'crud', group: 'serving.knative.dev', kind: 'services' },
      code: 404,
    });
  });

  test('every patch type', async () => {
    const created = await api.createNamespacedCustomObject({ ...SERVICES, body: ksvc('p') });
    const m = await api.patchNamespacedCustomObject(
      { ...SERVICES, name: 'p', body: { metadata: { labels: { a: 'b' } } } },
      mergePatch(),
    );
    assert.equal(m.metadata.labels.a, 'b');
    const j = await api.patchNamespacedCustomObject(
      {
        ...SERVICES,
        name: 'p',
        body: [
          { op: 'replace', path: '/spec/traffic/0/percent', value: 100 },
          { op: 'add', path: '/spec/traffic/0/tag', value: 'cur' },
        ],
      },
      jsonPatch(),
    );
    assert.equal(j.spec.traffic[0].tag, 'cur');
    const testFail = await rejection(() =>
      api.patchNamespacedCustomObject(
        { ...SERVICES, name: 'p', body: [{ op: 'test', path: '/spec/traffic/0/tag', value: 'nope' }] },
        jsonPatch(),
      ),
    );
    assert.equal(testFail.code, 422);
    assert.equal(bodyOf(testFail).message, 'the server rejected our request due to an error in our request');
    // The client's default patch content type is json-patch: an object body is a 400.
    const wrongType = await rejection(() =>
      api.patchNamespacedCustomObject({ ...SERVICES, name: 'p', body: { spec: {} } }),
    );
    assert.equal(wrongType.code, 400);
    assert.equal(
      bodyOf(wrongType).message,
      'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp',
    );
    const smp = await rejection(() =>
      api.patchNamespacedCustomObject(
        { ...SERVICES, name: 'p', body: { spec: {} } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
      ),
    );
    assert.equal(smp.code, 415);
    assert.equal(bodyOf(smp).reason, 'UnsupportedMediaType');
    const stale = await rejection(() =>
      api.patchNamespacedCustomObject(
        { ...SERVICES, name: 'p', body: { metadata: { resourceVersion: created.metadata.resourceVersion } } },
        mergePatch(),
      ),
    );
    assert.equal(stale.code, 409);
    assert.match(bodyOf(stale).message, /the object has been modified/);
    const applied = await api.patchNamespacedCustomObject(
      { ...SERVICES, name: 'applied', body: ksvc('applied'), fieldManager: 'me' },
      ssa(),
    );
    assert.equal(applied.metadata.managedFields[0].manager, 'me');
    const noMgr = await rejection(() =>
      api.patchNamespacedCustomObject({ ...SERVICES, name: 'applied', body: ksvc('applied') }, ssa()),
    );
    assert.equal(noMgr.code, 422);
    // client-node's writes are recorded under the User-Agent prefix, so the traffic change below belongs to "node-
    // fetch".
    await api.patchNamespacedCustomObject(
      { ...SERVICES, name: 'applied', body: { spec: { traffic: [{ latestRevision: true, percent: 100, tag: 'x' }] } } },
      mergePatch(),
    );
    const clash = await rejection(() =>
      api.patchNamespacedCustomObject(
        { ...SERVICES, name: 'applied', body: ksvc('applied'), fieldManager: 'me' },
        ssa(),
      ),
    );
    assert.equal(clash.code, 409);
    assert.equal(
      bodyOf(clash).message,
      'Apply failed with 1 conflict: conflict with "node-fetch" using serving.knative.dev/v1: .spec.traffic',
    );
    const forced = await api.patchNamespacedCustomObject(
      { ...SERVICES, name: 'applied', body: ksvc('applied'), fieldManager: 'me', force: true },
      ssa(),
    );
    assert.equal(forced.spec.traffic[0].tag, undefined);
    const status = await api.patchNamespacedCustomObjectStatus(
      { ...SERVICES, name: 'p', body: { status: { url: 'http://p.default.example.com' } } },
      mergePatch(),
    );
    assert.equal(status.status.url, 'http://p.default.example.com');
    assert.equal(status.metadata.generation, j.metadata.generation);
  });

  test('error shapes: invalid, 401, 403, namespace missing, dry run, warnings', async () => {
    const bad = ksvc('bad');
    bad.spec.traffic[0].percent = 'fifty';
    const inv = await rejection(() => api.createNamespacedCustomObject({ ...SERVICES, body: bad }));
    assert.equal(inv.code, 422);
    const b = bodyOf(inv);
    assert.equal(b.reason, 'Invalid');
    assert.equal(b.details.kind, 'Service');
    assert.equal(b.details.causes[0].field, 'spec.traffic[0].percent');
    const missing = await rejection(() =>
      api.createNamespacedCustomObject({ ...SERVICES, namespace: 'nope', body: ksvc('x') }),
    );
    assert.equal(missing.code, 404);
    assert.equal(bodyOf(missing).message, 'namespaces "nope" not found');

    const anon = new k8s.KubeConfig();
    anon.loadFromString(f.kc.exportConfig().replace(f.token, 'wrong'));
    const u = await rejection(() =>
      anon.makeApiClient(k8s.CustomObjectsApi).listNamespacedCustomObject({ ...SERVICES }),
    );
    assert.equal(u.code, 401);

    const viewerApi = f.viewer.makeApiClient(k8s.CustomObjectsApi);
    await viewerApi.listNamespacedCustomObject({ ...SERVICES });
    const fb = await rejection(() => viewerApi.createNamespacedCustomObject({ ...SERVICES, body: ksvc('v') }));
    assert.equal(fb.code, 403);
    assert.equal(
      bodyOf(fb).message,
      'services.serving.knative.dev is forbidden: User "bgctl-viewer" cannot create resource "services" in API group "serving.knative.dev" in the namespace "default"',
    );
    await api.createNamespacedCustomObject({ ...SERVICES, body: ksvc('viewed') });
    const fd = await rejection(() => viewerApi.deleteNamespacedCustomObject({ ...SERVICES, name: 'viewed' }));
    assert.equal(
      bodyOf(fd).message,
      'services.serving.knative.dev "viewed" is forbidden: User "bgctl-viewer" cannot delete resource "services" in API group "serving.knative.dev" in the namespace "default"',
    );

    const dry = await api.createNamespacedCustomObject({ ...SERVICES, body: ksvc('dry'), dryRun: 'All' });
    assert.equal(dry.metadata.resourceVersion, undefined);
    assert.equal((await rejection(() => api.getNamespacedCustomObject({ ...SERVICES, name: 'dry' }))).code, 404);
  });

  test('pagination returns every item once with a fixed resourceVersion', async () => {
    const ns = 'paging';
    f.registry.create(
      f.registry.resource('namespaces', '')!,
      undefined,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      { user: 't' },
    );
    for (let i = 0; i < 23; i++)
      await api.createNamespacedCustomObject({
        ...SERVICES,
        namespace: ns,
        body: ksvc(`s${String(i).padStart(2, '0')}`),
      });
    const names: string[] = [];
    let cont: string | undefined;
    let rv: string | undefined;
    let pages = 0;
    do {
      const page: any = await api.listNamespacedCustomObject({ ...SERVICES, namespace: ns, limit: 5, _continue: cont });
      pages++;
      if (page.metadata.continue) assert.equal(page.metadata.remainingItemCount, 23 - names.length - page.items.length);
      rv ??= page.metadata.resourceVersion;
      assert.equal(page.metadata.resourceVersion, rv);
      names.push(...page.items.map((i: any) => i.metadata.name));
      cont = page.metadata.continue;
      if (pages === 1) await api.deleteNamespacedCustomObject({ ...SERVICES, namespace: ns, name: 's10' });
    } while (cont);
    assert.equal(pages, 5);
    assert.equal(names.length, 23);
    assert.equal(new Set(names).size, 23);
  });

  test('watch, resume from a resourceVersion, and 410 for a too-old one', async () => {
    const watch = new k8s.Watch(f.kc);
    const path = '/apis/serving.knative.dev/v1/namespaces/default/services';
    const startRv = String(f.registry.currentResourceVersion());
    const events: Array<[string, any]> = [];
    let resolveDone!: (e: unknown) => void;
    const done = new Promise((r) => (resolveDone = r));
    const ctl = await watch.watch(
      path,
      { resourceVersion: startRv, labelSelector: 'w=1' },
      (type, obj) => events.push([type, obj]),
      (err) => resolveDone(err),
    );
    const o = ksvc('watched');
    o.metadata.labels = { w: '1' };
    await api.createNamespacedCustomObject({ ...SERVICES, body: o });
    await api.patchNamespacedCustomObject(
      { ...SERVICES, name: 'watched', body: { metadata: { annotations: { x: 'y' } } } },
      mergePatch(),
    );
    await api.deleteNamespacedCustomObject({ ...SERVICES, name: 'watched' });
    await until(() => events.length >= 3, 'three watch events');
    ctl.abort();
    await done;
    assert.deepEqual(
      events.map(([t]) => t),
      ['ADDED', 'MODIFIED', 'DELETED'],
    );
    // Resume from the ADDED event's RV: only the later two arrive.
    const resumed: string[] = [];
    const done2 = new Promise((r) =>
      watch.watch(
        path,
        { resourceVersion: events[0][1].metadata.resourceVersion, timeoutSeconds: 1, labelSelector: 'w=1' },
        (t) => resumed.push(t),
        r,
      ),
    );
    await done2;
    assert.deepEqual(resumed, ['MODIFIED', 'DELETED']);
  });

  test('410 Expired ERROR event for a resourceVersion older than the history', async () => {
    const small = await startApiFixture({ historyLimit: 3 });
    try {
      const sapi = small.kc.makeApiClient(k8s.CustomObjectsApi);
      for (let i = 0; i < 6; i++) await sapi.createNamespacedCustomObject({ ...SERVICES, body: ksvc(`h${i}`) });
      const events: Array<[string, any]> = [];
      const err = await new Promise((r) =>
        new k8s.Watch(small.kc).watch(
          '/apis/serving.knative.dev/v1/namespaces/default/services',
          { resourceVersion: '1' },
          (t, o) => events.push([t, o]),
          r,
        ),
      );
      assert.equal(err, null);
      assert.equal(events.length, 1);
      assert.equal(events[0][0], 'ERROR');
      assert.equal(events[0][1].code, 410);
      assert.equal(events[0][1].reason, 'Expired');
      assert.match(events[0][1].message, /^too old resource version: 1 \(\d+\)$/);
    } finally {
      await small.stop();
    }
  });
});
