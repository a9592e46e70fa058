// Broken request bodies over real HTTPS: the 400 texts are those of Go's JSON scanner (which the
// apiserver's decoders use), and a JSON or merge patch of the wrong shape fails the apiserver's strict
// decode first (patch.go applyJSPatch) unless fieldValidation=Ignore.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startApiFixture, ksvc, bodyOf, rejection, call, SERVICES, type ApiFixture } from './fixture.js';

const BASE = '/apis/serving.knative.dev/v1/namespaces/default/services';
const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';

describe('Go JSON decoding errors', () => {
  let f: ApiFixture;
  before(async () => {
    f = await startApiFixture();
    const created = await call(f, 'POST', BASE, { body: ksvc('target') });
    assert.equal(created.status, 201, created.text);
  });
  after(() => f.stop());

  const patchMessage = async (body: string, contentType: string, query = ''): Promise<[number, string]> => {
    const r = await call(f, 'PATCH', `${BASE}/target${query}`, { body, contentType });
    return [r.status, r.json().message];
  };

  test('a merge patch that is not JSON: the scanner error after "error decoding patch: "', async () => {
    const cases: Array<[string, string]> = [
      ['{bad', "invalid character 'b' looking for beginning of object key string"],
      ['{"a" 1}', "invalid character '1' after object key"],
      ['{"a":1 "b":2}', "invalid character '\"' after object key:value pair"],
      ['{"a":[1 2]}', "invalid character '2' after array element"],
      ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
      ['{"a":-x}', "invalid character 'x' in numeric literal"],
      ['{"a":1.}', "invalid character '}' after decimal point in numeric literal"],
      ['{"a":1e}', "invalid character '}' in exponent of numeric literal"],
      ['{"a":"\\q"}', "invalid character 'q' in string escape code"],
      ['{"a":"\\u12g4"}', "invalid character 'g' in \\u hexadecimal character escape"],
      ['{"a":"x\ty"}', "invalid character '\\t' in string literal"],
      ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
      ['{"a":1}}', "invalid character '}' after top-level value"],
      ['{"a":', 'unexpected end of JSON input'],
      ['', 'unexpected end of JSON input'],
    ];
    for (const [body, err] of cases) {
      assert.deepEqual(await patchMessage(body, MERGE), [400, `error decoding patch: ${err}`], body);
    }
  });

  test('a create body that is not JSON: the scanner error after the version/kind probe', async () => {
    const r = await call(f, 'POST', BASE, { body: '{"apiVersion": serving}' });
    assert.equal(r.status, 400);
    assert.equal(
      r.json().message,
      "couldn't get version/kind; json parse error: invalid character 's' looking for beginning of value",
    );
  });

  test('a JSON patch that is not a list of operations fails the strict decode (Warn is the default)', async () => {
    assert.deepEqual(await patchMessage('{"op":"add"}', JSON_PATCH), [
      400,
      'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp',
    ]);
    assert.deepEqual(await patchMessage('[1]', JSON_PATCH), [
      400,
      'error decoding patch: json: cannot unmarshal number into Go value of type handlers.jsonPatchOp',
    ]);
    assert.deepEqual(await patchMessage('[{"op":true,"path":"/x"}]', JSON_PATCH), [
      400,
      'error decoding patch: json: cannot unmarshal bool into Go struct field jsonPatchOp.op of type string',
    ]);
    // Without the strict step, json-patch's own decoders answer.
    assert.deepEqual(await patchMessage('{"op":"add"}', JSON_PATCH, '?fieldValidation=Ignore'), [
      400,
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    ]);
    assert.deepEqual(await patchMessage('[{bad', JSON_PATCH, '?fieldValidation=Ignore'), [
      400,
      "invalid character 'b' looking for beginning of object key string",
    ]);
    assert.deepEqual(await patchMessage('{bad', MERGE, '?fieldValidation=Ignore'), [400, 'Invalid JSON Patch']);
  });

  test('a merge patch that is not an object fails the strict decode', async () => {
    assert.deepEqual(await patchMessage('[{"a":1}]', MERGE), [
      400,
      'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}',
    ]);
  });

  test('client-node: an object sent as its default JSON patch is the strict-decode 400', async () => {
    const api = f.kc.makeApiClient(k8s.CustomObjectsApi);
    const wrong = await rejection(() =>
      api.patchNamespacedCustomObject({ ...SERVICES, name: 'target', body: { spec: {} } }),
    );
    assert.equal(wrong.code, 400);
    assert.equal(
      bodyOf(wrong).message,
      'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp',
    );
  });
});
