import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApiFixture, ksvc, call, watchLines, type ApiFixture } from './fixture.js';
import { until as waitUntil } from '../wait.js';

const BASE = '/apis/serving.knative.dev/v1/namespaces/default/services';
const TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

const until = (cond: () => boolean) => waitUntil(cond, 'watch events');

describe('API server over raw HTTPS', () => {
  let f: ApiFixture;
  before(async () => {
    f = await startApiFixture();
  });
  after(() => f.stop());

  test('discovery, version and OpenAPI documents', async () => {
    const v = await call(f, 'GET', '/version?timeout=5s');
    assert.match(v.json().gitVersion, /^v1\.32\./);
    const apis = (await call(f, 'GET', '/apis?timeout=32s')).json();
    assert.deepEqual(
      apis.groups.map((g: any) => g.name),
      ['serving.knative.dev'],
    );
    const rl = (await call(f, 'GET', '/apis/serving.knative.dev/v1')).json();
    const svc = rl.resources.find((r: any) => r.name === 'services');
    assert.deepEqual(svc.shortNames, ['kservice', 'ksvc']);
    assert.deepEqual(svc.categories, ['all', 'knative', 'serving']);
    assert.ok(rl.resources.some((r: any) => r.name === 'services/status' && r.singularName === ''));
    const core = (await call(f, 'GET', '/api/v1')).json();
    assert.deepEqual(core.resources.find((r: any) => r.name === 'namespaces').shortNames, ['ns']);
    assert.equal((await call(f, 'GET', '/api')).json().kind, 'APIVersions');
    const idx = (await call(f, 'GET', '/openapi/v3')).json();
    const gvUrl = idx.paths['apis/serving.knative.dev/v1'].serverRelativeURL;
    assert.match(gvUrl, /^\/openapi\/v3\/apis\/serving\.knative\.dev\/v1\?hash=/);
    const doc = (await call(f, 'GET', gvUrl)).json();
    const patch = doc.paths['/apis/serving.knative.dev/v1/namespaces/{namespace}/services/{name}'].patch;
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], {
      group: 'serving.knative.dev',
      version: 'v1',
      kind: 'Service',
    });
    assert.ok(patch.parameters.some((p: any) => p.name === 'fieldValidation'));
    assert.deepEqual(Object.keys(patch.requestBody.content), [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/apply-patch+yaml',
    ]);
    const nsDoc = (await call(f, 'GET', idx.paths['api/v1'].serverRelativeURL)).json();
    assert.ok(
      'application/strategic-merge-patch+json' in nsDoc.paths['/api/v1/namespaces/{name}'].patch.requestBody.content,
    );
    assert.equal((await call(f, 'GET', '/openapi/v2')).json().swagger, '2.0');
  });

  test('every JSON response has Content-Type application/json, errors included', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1'],
      ['GET', `${BASE}/missing`],
      ['GET', '/nope'],
      ['POST', BASE],
    ] as const) {
      const r = await call(f, method, path, method === 'POST' ? { body: '{' } : {});
      assert.equal(r.headers['content-type'], 'application/json', `${method} ${path}`);
      assert.equal(r.json().kind === 'Status' ? r.json().code : r.status, r.status);
    }
    const u = await call(f, 'GET', BASE, { token: null });
    assert.equal(u.status, 401);
    assert.deepEqual(u.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  });

  test('Warning headers for pruned fields; name and namespace mismatches are 400', async () => {
    const o = ksvc('warned');
    o.spec.extra = 1;
    const r = await call(f, 'POST', BASE, { body: o });
    assert.equal(r.status, 201);
    assert.equal(r.headers.warning, '299 - "unknown field \\"spec.extra\\""');
    const cur = r.json();
    const mismatch = await call(f, 'PUT', `${BASE}/other`, { body: cur });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.json().message, 'the name of the object (warned) does not match the name on the URL (other)');
    const nsMismatch = await call(f, 'PUT', `${BASE}/warned`, {
      body: { ...cur, metadata: { ...cur.metadata, namespace: 'x' } },
    });
    assert.equal(
      nsMismatch.json().message,
      'the namespace of the provided object does not match the namespace sent on the request',
    );
    const apiv = await call(f, 'POST', BASE, { body: { ...ksvc('v'), apiVersion: 'serving.knative.dev/v2' } });
    assert.equal(
      apiv.json().message,
      'the API version in the data (serving.knative.dev/v2) does not match the expected API version (serving.knative.dev/v1)',
    );
    const dry = await call(f, 'POST', `${BASE}?dryRun=Some`, { body: ksvc('d') });
    assert.equal(dry.status, 422);
  });

  test('Tables: CR printer columns, namespace Name/Status/Age, includeObject', async () => {
    await call(f, 'POST', BASE, { body: ksvc('tabled') });
    const t = (await call(f, 'GET', `${BASE}?limit=500`, { accept: TABLE_ACCEPT })).json();
    assert.equal(t.kind, 'Table');
    assert.deepEqual(
      t.columnDefinitions.map((c: any) => c.name),
      ['Name', 'URL', 'LatestCreated', 'LatestReady', 'Ready', 'Reason'],
    );
    const row = t.rows.find((r: any) => r.cells[0] === 'tabled');
    assert.deepEqual(row.cells, ['tabled', null, null, null, null, null]);
    assert.equal(row.object.kind, 'PartialObjectMetadata');
    const ns = (await call(f, 'GET', '/api/v1/namespaces', { accept: TABLE_ACCEPT })).json();
    assert.deepEqual(
      ns.columnDefinitions.map((c: any) => c.name),
      ['Name', 'Status', 'Age'],
    );
    assert.match(ns.rows[0].cells[2], /^\d+s$/);
    const full = (await call(f, 'GET', `${BASE}/tabled?includeObject=Object`, { accept: TABLE_ACCEPT })).json();
    assert.equal(full.rows[0].object.kind, 'Service');
  });

  test('watch: headers at once, named ?watch=true, Table events with columns only first, timeoutSeconds', async () => {
    await call(f, 'POST', BASE, { body: ksvc('w1') });
    await call(f, 'POST', BASE, { body: ksvc('w2') });
    const w = await watchLines(f, `${BASE}/w1?watch=true&timeoutSeconds=2`);
    assert.equal(w.status, 200);
    assert.equal(w.headers['content-type'], 'application/json');
    await until(() => w.events.length === 1);
    await call(f, 'PATCH', `${BASE}/w2`, {
      body: { metadata: { labels: { a: 'b' } } },
      contentType: 'application/merge-patch+json',
    });
    await call(f, 'PATCH', `${BASE}/w1`, {
      body: { metadata: { labels: { a: 'b' } } },
      contentType: 'application/merge-patch+json',
    });
    const evs = await w.done;
    assert.deepEqual(
      evs.map((e) => `${e.type}:${e.object.metadata.name}`),
      ['ADDED:w1', 'MODIFIED:w1'],
    );
    const tw = await watchLines(f, `${BASE}?watch=1&timeoutSeconds=1&fieldSelector=metadata.name%3Dw2`, {
      accept: TABLE_ACCEPT,
    });
    await until(() => tw.events.length === 1);
    await call(f, 'PATCH', `${BASE}/w2`, {
      body: { metadata: { labels: { c: 'd' } } },
      contentType: 'application/merge-patch+json',
    });
    const tev = await tw.done;
    assert.equal(tev.length, 2);
    assert.equal(tev[0].object.kind, 'Table');
    assert.equal(tev[0].object.columnDefinitions.length, 6);
    assert.equal(tev[1].object.columnDefinitions, null);
    assert.equal(tev[1].object.rows[0].cells[0], 'w2');
    const bad = await call(f, 'GET', `${BASE}?watch=true&resourceVersion=abc`);
    assert.equal(bad.status, 422);
    const sel = await call(f, 'GET', `${BASE}?fieldSelector=spec.x%3D1`);
    assert.equal(sel.status, 400);
    assert.equal(sel.json().message, 'field label not supported: spec.x');
  });

  test('/sim/v1/requests logs requests with counts, and DELETE resets', async () => {
    await call(f, 'DELETE', '/sim/v1/requests');
    await call(f, 'GET', `${BASE}/nothing-here`);
    await call(f, 'GET', `${BASE}?labelSelector=a%3Db`);
    const log = (await call(f, 'GET', '/sim/v1/requests')).json();
    assert.equal(log.requests.length, 2);
    assert.deepEqual(
      {
        verb: log.requests[0].verb,
        resource: log.requests[0].resource,
        namespace: log.requests[0].namespace,
        name: log.requests[0].name,
        code: log.requests[0].code,
      },
      { verb: 'get', resource: 'services', namespace: 'default', name: 'nothing-here', code: 404 },
    );
    assert.deepEqual(log.requests[1].query, { labelSelector: 'a=b' });
    assert.deepEqual(log.counts, { get: { services: 1 }, list: { services: 1 } });
    await call(f, 'DELETE', '/sim/v1/requests');
    assert.equal((await call(f, 'GET', '/sim/v1/requests')).json().requests.length, 0);
    assert.equal((await call(f, 'GET', '/sim/v1/requests', { token: f.readOnlyToken })).status, 200);
    assert.equal((await call(f, 'DELETE', '/sim/v1/requests', { token: f.readOnlyToken })).status, 403);
  });

  test('/sim/v1/faults: seeded, reproducible 409/500/503/429 and watch cuts; never on /sim/v1', async () => {
    const run = async () => {
      const codes: number[] = [];
      const r = await call(f, 'POST', '/sim/v1/faults', {
        body: { errorProbability: 0.3, unavailableProbability: 0.2, seed: 42 },
      });
      assert.equal(r.status, 200);
      for (let i = 0; i < 20; i++) codes.push((await call(f, 'GET', BASE)).status);
      return codes;
    };
    const a = await run();
    const b = await run();
    assert.deepEqual(a, b);
    assert.ok(a.includes(500) && a.includes(503) && a.includes(200), a.join(','));
    assert.deepEqual((await call(f, 'GET', '/sim/v1/faults')).json(), {
      errorProbability: 0.3,
      unavailableProbability: 0.2,
      seed: 42,
    });
    await call(f, 'POST', '/sim/v1/faults', { body: { throttleProbability: 1, retryAfterSeconds: 3 } });
    const t = await call(f, 'GET', BASE);
    assert.equal(t.status, 429);
    assert.equal(t.headers['retry-after'], '3');
    assert.match(String(t.headers['content-type']), /^text\/plain/);
    assert.equal(t.text, 'Too many requests, please try again later.\n');
    assert.equal((await call(f, 'GET', '/sim/v1/requests')).status, 200);
    await call(f, 'POST', '/sim/v1/faults', { body: { unavailableProbability: 1, retryAfterSeconds: 2 } });
    const u = await call(f, 'GET', BASE);
    assert.equal(u.status, 503);
    assert.equal(u.headers['retry-after'], '2');
    assert.equal(u.json().details.retryAfterSeconds, 2);
    await call(f, 'POST', '/sim/v1/faults', { body: { conflictProbability: 1 } });
    assert.equal((await call(f, 'GET', BASE)).status, 200);
    const c = await call(f, 'PATCH', `${BASE}/w1`, { body: {}, contentType: 'application/merge-patch+json' });
    assert.equal(c.status, 409);
    assert.match(c.json().message, /the object has been modified/);
    await call(f, 'POST', '/sim/v1/faults', { body: { closeWatchAfterMs: 50 } });
    const w = await watchLines(f, `${BASE}?watch=true`);
    await w.done;
    assert.equal((await call(f, 'POST', '/sim/v1/faults', { body: { errorProbability: 2 } })).status, 400);
    await call(f, 'DELETE', '/sim/v1/faults');
    assert.deepEqual((await call(f, 'GET', '/sim/v1/faults')).json(), {});
    const log = (await call(f, 'GET', '/sim/v1/requests')).json();
    assert.ok(log.requests.some((r: any) => r.code === 429));
    assert.ok(!log.requests.some((r: any) => r.path.startsWith('/sim/')));
  });
});
