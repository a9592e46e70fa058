// The apiserver's limits and malformed-input answers, over real HTTPS: the annotation size budget,
// the 3 MiB body limit, bad %-escapes in the path, over-nested bodies, and JSON-patch pointer escapes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import {
  startApiFixture,
  ksvc,
  bodyOf,
  rejection,
  call,
  SERVICES,
  mergePatch,
  jsonPatch,
  type ApiFixture,
} from './fixture.js';
import { createKubectl, requireKubectl } from '../../helpers/kubectl.js';

const BASE = '/apis/serving.knative.dev/v1/namespaces/default/services';
const TOO_LONG = 'Too long: may not be more than 262144 bytes';
const QUALIFIED_NAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

/** A Service whose annotations (keys plus values) take exactly `bytes` bytes. */
function withAnnotationBytes(name: string, bytes: number): any {
  const o = ksvc(name);
  o.metadata.annotations = { big: 'x'.repeat(bytes - 'big'.length) };
  return o;
}

describe('apiserver limits and malformed input', () => {
  let f: ApiFixture;
  let api: k8s.CustomObjectsApi;
  before(async () => {
    f = await startApiFixture();
    api = f.kc.makeApiClient(k8s.CustomObjectsApi);
  });
  after(() => f.stop());

  test('annotations: 262144 bytes are accepted, one more is 422 naming metadata.annotations, on create and on patch', async () => {
    await api.createNamespacedCustomObject({ ...SERVICES, body: withAnnotationBytes('at-limit', 262144) });
    const err = await rejection(() =>
      api.createNamespacedCustomObject({ ...SERVICES, body: withAnnotationBytes('over-limit', 262145) }),
    );
    assert.equal(err.code, 422);
    assert.deepEqual(bodyOf(err), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `Service.serving.knative.dev "over-limit" is invalid: metadata.annotations: ${TOO_LONG}`,
      reason: 'Invalid',
      details: {
        name: 'over-limit',
        group: 'serving.knative.dev',
        kind: 'Service',
        causes: [{ reason: 'FieldValueTooLong', message: TOO_LONG, field: 'metadata.annotations' }],
      },
      code: 422,
    });
    // Keys count too, and bytes are UTF-8 bytes, not characters: 1 + 2 x 131072 > 262144.
    const grow = await rejection(() =>
      api.patchNamespacedCustomObject(
        { ...SERVICES, name: 'at-limit', body: { metadata: { annotations: { big: null, k: 'é'.repeat(131072) } } } },
        mergePatch(),
      ),
    );
    assert.equal(grow.code, 422);
    assert.equal(
      bodyOf(grow).message,
      `Service.serving.knative.dev "at-limit" is invalid: metadata.annotations: ${TOO_LONG}`,
    );
    const stored: any = await api.getNamespacedCustomObject({ ...SERVICES, name: 'at-limit' });
    assert.equal(stored.metadata.annotations.big.length, 262141);
  });

  test('JSON patch: "~2" is no escape (json-patch decodes only ~0 and ~1), so it lands as a literal key', async () => {
    await api.createNamespacedCustomObject({ ...SERVICES, body: ksvc('tilde') });
    const err = await rejection(() =>
      api.patchNamespacedCustomObject(
        {
          ...SERVICES,
          name: 'tilde',
          body: [
            { op: 'add', path: '/metadata/annotations', value: {} },
            { op: 'add', path: '/metadata/annotations/a~2b', value: 'v' },
          ],
        },
        jsonPatch(),
      ),
    );
    assert.equal(err.code, 422);
    const status = bodyOf(err);
    assert.equal(
      status.message,
      `Service.serving.knative.dev "tilde" is invalid: metadata.annotations: Invalid value: "a~2b": ${QUALIFIED_NAME_MSG}`,
    );
    assert.deepEqual(status.details.causes, [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: "a~2b": ${QUALIFIED_NAME_MSG}`,
        field: 'metadata.annotations',
      },
    ]);
    // Where any key is allowed, the literal key is stored; ~0 and ~1 still decode.
    const ok: any = await api.patchNamespacedCustomObject(
      {
        ...SERVICES,
        name: 'tilde',
        body: [
          {
            op: 'add',
            path: '/spec/template/metadata',
            value: { annotations: { 'a~2b': 'literal', 'c~0d': 'tilde' } },
          },
        ],
      },
      jsonPatch(),
    );
    assert.deepEqual(ok.spec.template.metadata.annotations, { 'a~2b': 'literal', 'c~0d': 'tilde' });
    const ann = '/spec/template/metadata/annotations';
    const replaced: any = await api.patchNamespacedCustomObject(
      {
        ...SERVICES,
        name: 'tilde',
        body: [
          { op: 'replace', path: `${ann}/a~2b`, value: 'x' },
          { op: 'remove', path: `${ann}/c~00d` },
          { op: 'add', path: `${ann}/e~1f`, value: 'slash' },
        ],
      },
      jsonPatch(),
    );
    assert.deepEqual(replaced.spec.template.metadata.annotations, { 'a~2b': 'x', 'e/f': 'slash' });
  });

  test('a body over 3 MiB is answered 413 RequestEntityTooLarge (the connection is not reset); 3 MiB exactly is read', async () => {
    const over = JSON.stringify(withAnnotationBytes('huge', 3 * 1024 * 1024));
    assert.ok(Buffer.byteLength(over) > 3145728);
    const r = await call(f, 'POST', BASE, { body: over });
    assert.equal(r.status, 413);
    assert.deepEqual(r.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Request entity too large: limit is 3145728',
      reason: 'RequestEntityTooLarge',
      code: 413,
    });
    const pad = JSON.stringify(withAnnotationBytes('exact', 3));
    const exact = pad.replace('"big":"', `"big":"${'x'.repeat(3145728 - Buffer.byteLength(pad))}`);
    assert.equal(Buffer.byteLength(exact), 3145728);
    const read = await call(f, 'POST', BASE, { body: exact });
    assert.equal(read.status, 422, read.text);
    assert.match(read.json().message, /metadata\.annotations: Too long/);
    // client-node sees the Status too.
    const err = await rejection(() => api.createNamespacedCustomObject({ ...SERVICES, body: JSON.parse(over) }));
    assert.equal(err.code, 413);
    assert.equal(bodyOf(err).reason, 'RequestEntityTooLarge');
  });

  test("a malformed %-escape in the path gets Go's plain 400, not a 500; a valid escape of bad UTF-8 is just a name", async () => {
    for (const path of ['/api/v1/namespaces/%zz', `${BASE}/a%2`, `${BASE}/%`]) {
      const r = await call(f, 'GET', path);
      assert.equal(r.status, 400, path);
      assert.equal(r.text, '400 Bad Request');
      assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(r.headers.connection, 'close');
    }
    const notFound = await call(f, 'GET', `${BASE}/%C3`);
    assert.equal(notFound.status, 404);
    assert.equal(notFound.json().reason, 'NotFound');
    // The query is not unescaped when the request line is parsed: a bad escape there is not refused.
    assert.equal((await call(f, 'GET', `${BASE}?labelSelector=%zz`)).status, 400);
    assert.equal((await call(f, 'GET', `${BASE}?pretty=%zz`)).status, 200);
  });

  test('a body nested past the depth limit is 400 with the decoder error; at the limit it is served', async () => {
    const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
    // The object and spec are two levels: x's value may nest 998 more.
    const body = (name: string, levels: number) =>
      JSON.stringify(ksvc(name)).replace('"spec":{', `"spec":{"x":${nested(levels)},`);
    const created = await call(f, 'POST', BASE, { body: body('deep', 998) });
    assert.equal(created.status, 201, created.text);
    const tooDeep = await call(f, 'POST', BASE, { body: body('deeper', 999) });
    assert.equal(tooDeep.status, 400);
    assert.deepEqual(tooDeep.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: "couldn't get version/kind; json parse error: invalid character '[' exceeded max depth",
      reason: 'BadRequest',
      code: 400,
    });
    const patch = await call(f, 'PATCH', `${BASE}/deep`, {
      body: `{"spec":{"y":${nested(1000)}}}`,
      contentType: 'application/merge-patch+json',
    });
    assert.equal(patch.status, 400);
    assert.equal(patch.json().message, "error decoding patch: invalid character '[' exceeded max depth");
    const apply = await call(f, 'PATCH', `${BASE}/deep?fieldManager=t`, {
      body: `metadata: {name: deep}\nspec: {y: ${nested(1000)}}\n`,
      contentType: 'application/apply-patch+yaml',
    });
    assert.equal(apply.status, 400);
    // YAML's decoder has its own, lower bound.
    assert.match(apply.json().message, /^error decoding YAML: nesting exceeded maxDepth \(100\)/);
    // Brackets inside strings do not count.
    const inString = await call(f, 'PATCH', `${BASE}/deep`, {
      body: JSON.stringify({ metadata: { annotations: { s: nested(2000) } } }),
      contentType: 'application/merge-patch+json',
    });
    assert.equal(inString.status, 200, inString.text);
  });

  test('kubectl annotate past 256 KiB prints the apiserver message', async (t) => {
    const bin = requireKubectl(t);
    if (!bin) return;
    const k = createKubectl(bin, f.kubeconfigPath);
    try {
      await api.createNamespacedCustomObject({ ...SERVICES, body: ksvc('annotated') });
      // One argument may not exceed 128 KiB (Linux MAX_ARG_STRLEN), so three of 100,000 bytes.
      const values = ['a', 'b', 'c'].map((key) => `${key}=${'v'.repeat(100_000)}`);
      const r = await k.run(['annotate', 'ksvc', 'annotated', ...values]);
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim(), `The Service "annotated" is invalid: metadata.annotations: ${TOO_LONG}`);
      const stored: any = await api.getNamespacedCustomObject({ ...SERVICES, name: 'annotated' });
      assert.equal(stored.metadata.annotations, undefined);
    } finally {
      k.dispose();
    }
  });
});
