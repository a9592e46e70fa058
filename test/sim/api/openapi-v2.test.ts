import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { startApiFixture, call, type ApiFixture } from './fixture.js';
import { KNATIVE_FIELDS } from '../../../src/sim/api/knative-fields.js';
import type { Schema } from '../../../src/sim/api/schema.js';

const PROTO_ACCEPT = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

function get(
  f: ApiFixture,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/openapi/v2', f.server.url),
      { headers: { Authorization: `Bearer ${f.token}`, ...headers }, ca: f.server.caPem },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('/openapi/v2', () => {
  let f: ApiFixture;
  before(async () => {
    f = await startApiFixture();
  });
  after(() => f.stop());

  test('JSON: Swagger 2.0 with the CRD schemas, their kinds and the accepted patch types', async () => {
    const r = await get(f, { Accept: 'application/json' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    const doc = JSON.parse(r.body.toString());
    assert.equal(doc.swagger, '2.0');
    const svc = doc.definitions['dev.knative.serving.v1.Service'];
    assert.deepEqual(svc['x-kubernetes-group-version-kind'], [
      { group: 'serving.knative.dev', version: 'v1', kind: 'Service' },
    ]);
    assert.equal(svc.properties.metadata.$ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    assert.ok(doc.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
    const item = doc.paths['/apis/serving.knative.dev/v1/namespaces/{namespace}/services/{name}'];
    assert.deepEqual(item.patch.consumes, [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/apply-patch+yaml',
    ]);
    assert.ok(
      item.patch.parameters.some((p: any) => p.name === 'fieldValidation' && p.in === 'query' && p.type === 'string'),
    );
    assert.deepEqual(item.put.parameters[0], {
      name: 'body',
      in: 'body',
      required: true,
      schema: { $ref: '#/definitions/dev.knative.serving.v1.Service' },
    });
    assert.ok(doc.paths['/api/v1/namespaces/{name}'].patch.consumes.includes('application/strategic-merge-patch+json'));
  });

  test('protobuf for the Accept kubectl 1.27 sends, with the Content-Type the apiserver answers', async () => {
    const r = await get(f, { Accept: PROTO_ACCEPT });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    // Field 1 (swagger), length 3, "2.0".
    assert.deepEqual([...r.body.subarray(0, 5)], [0x0a, 0x03, 0x32, 0x2e, 0x30]);
    assert.ok(r.body.includes('dev.knative.serving.v1.Service'));
    assert.ok(r.body.includes('x-kubernetes-group-version-kind'));
  });

  test('ETag and 304; 406 when nothing acceptable is asked for', async () => {
    const first = await get(f, { Accept: PROTO_ACCEPT });
    const again = await get(f, { Accept: PROTO_ACCEPT, 'If-None-Match': first.headers.etag as string });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    const json = await get(f, {});
    assert.equal(json.status, 200);
    assert.notEqual(json.headers.etag, first.headers.etag);
    assert.equal((await get(f, { Accept: 'text/plain' })).status, 406);
  });

  test('every field of the Knative CRD schemas is published with a description, in v2 and v3', async () => {
    const v2 = JSON.parse((await get(f, { Accept: 'application/json' })).body.toString()).definitions;
    const v3 = (await call(f, 'GET', '/openapi/v3/apis/serving.knative.dev/v1')).json().components.schemas;
    const missing: string[] = [];
    const walk = (crd: Schema, published: any, path: string): void => {
      for (const [k, sub] of Object.entries(crd.properties ?? {})) {
        const p = published?.properties?.[k];
        if (!p || p.type !== sub.type || !p.description) missing.push(`${path}.${k}`);
        else walk(sub.items ?? sub, p.items ?? p, `${path}.${k}`);
      }
    };
    for (const [kind, fields] of Object.entries(KNATIVE_FIELDS)) {
      for (const doc of [v2, v3]) {
        const root = doc[`dev.knative.serving.v1.${kind}`];
        walk(fields.spec, root.properties.spec, `${kind}.spec`);
        walk(fields.status, root.properties.status, `${kind}.status`);
      }
    }
    assert.deepEqual(missing, []);
  });
});
