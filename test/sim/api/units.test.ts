import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { evalJsonPath, humanDuration, toTable, wantsTable } from '../../../src/sim/api/table.js';
import { decodeNamespaceProto } from '../../../src/sim/api/protobuf.js';
import { mergePatch } from '../../../src/sim/api/patch.js';
import { createRegistry } from '../../../src/sim/api/registry.js';
import { StatusError } from '../../../src/sim/api/contracts.js';

describe('table helpers', () => {
  test('humanDuration follows apimachinery', () => {
    const s = 1000;
    const cases: Array<[number, string]> = [
      [0, '0s'],
      [119 * s, '119s'],
      [120 * s, '2m'],
      [125 * s, '2m5s'],
      [600 * s, '10m'],
      [179 * 60 * s, '179m'],
      [3 * 3600 * s, '3h'],
      [(3 * 60 + 7) * 60 * s, '3h7m'],
      [8 * 3600 * s, '8h'],
      [47 * 3600 * s, '47h'],
      [50 * 3600 * s, '2d2h'],
      [8 * 86400 * s, '8d'],
      [800 * 86400 * s, '2y70d'],
      [9 * 365 * 86400 * s, '9y'],
      [-5 * s, '<invalid>'],
    ];
    for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, String(ms));
  });

  test('JSONPath subset of printer columns', () => {
    const obj = {
      metadata: { labels: { 'serving.knative.dev/configuration': 'hello' } },
      status: {
        conditions: [
          { type: 'Active', status: 'False' },
          { type: 'Ready', status: 'True', reason: 'Fine' },
        ],
        url: 'http://x',
      },
    };
    assert.deepEqual(evalJsonPath(obj, ".status.conditions[?(@.type=='Ready')].status"), ['True']);
    assert.deepEqual(evalJsonPath(obj, ".status.conditions[?(@.type=='Ready')].reason"), ['Fine']);
    assert.deepEqual(evalJsonPath(obj, ".metadata.labels['serving\\.knative\\.dev/configuration']"), ['hello']);
    assert.deepEqual(evalJsonPath(obj, '.status.conditions[1].type'), ['Ready']);
    assert.deepEqual(evalJsonPath(obj, '.status.missing'), []);
  });

  test('Table accept detection and revision columns', () => {
    assert.equal(wantsTable('application/json;as=Table;v=v1;g=meta.k8s.io,application/json'), true);
    assert.equal(wantsTable('application/json, */*;q=0.8'), false);
    const r = createRegistry();
    const rev = r.resource('revisions', 'serving.knative.dev')!;
    const t: any = toTable(
      rev,
      [
        {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Revision',
          metadata: {
            name: 'hello-00001',
            labels: {
              'serving.knative.dev/configuration': 'hello',
              'serving.knative.dev/configurationGeneration': '1',
            },
          },
          status: { conditions: [{ type: 'Ready', status: 'True' }], actualReplicas: 1, desiredReplicas: 1 },
        },
      ],
      { resourceVersion: '5' },
      'None',
    );
    assert.deepEqual(
      t.columnDefinitions.map((c: any) => c.name),
      ['Name', 'Config Name', 'Generation', 'Ready', 'Reason', 'Actual Replicas', 'Desired Replicas'],
    );
    assert.deepEqual(t.rows[0].cells, ['hello-00001', 'hello', '1', 'True', null, 1, 1]);
    assert.equal(t.rows[0].object, undefined);
  });
});

describe('decoding and patching', () => {
  test('protobuf Namespace envelope as kubectl create ns sends it', () => {
    // k8s\0 + Unknown{typeMeta{apiVersion:"v1",kind:"Namespace"}, raw: Namespace{metadata{name:"demo", labels{a:b}}}}
    const lenDelim = (no: number, payload: Buffer) =>
      Buffer.concat([Buffer.from([(no << 3) | 2, payload.length]), payload]);
    const s = (no: number, v: string) => lenDelim(no, Buffer.from(v));
    const meta = Buffer.concat([s(1, 'demo'), lenDelim(11, Buffer.concat([s(1, 'a'), s(2, 'b')]))]);
    const ns = Buffer.concat([lenDelim(1, meta), lenDelim(2, Buffer.alloc(0))]);
    const unknown = Buffer.concat([lenDelim(1, Buffer.concat([s(1, 'v1'), s(2, 'Namespace')])), lenDelim(2, ns)]);
    const obj = decodeNamespaceProto(Buffer.concat([Buffer.from('k8s\0', 'binary'), unknown]));
    assert.deepEqual(obj, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'demo', labels: { a: 'b' } },
      spec: {},
    });
    assert.throws(() => decodeNamespaceProto(Buffer.from('nope')), StatusError);
  });

  test('merge patch: null deletes, arrays replace, objects merge', () => {
    assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] }, { a: null, b: { c: 9 }, e: [3] }), {
      b: { c: 9, d: 3 },
      e: [3],
    });
  });

  test('strict unknown fields on a patch are 422 with field "patch"; generateName', () => {
    const r = createRegistry();
    r.create(
      r.resource('namespaces', '')!,
      undefined,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
      { user: 'u' },
    );
    const svc = r.resource('services', 'serving.knative.dev')!;
    const o = r.create(
      svc,
      'default',
      { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: '', generateName: 'gen-' }, spec: {} },
      { user: 'u' },
    );
    assert.match(o.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    try {
      r.patch(
        svc,
        'default',
        o.metadata.name,
        'merge',
        { spec: { nope: 1 } },
        { user: 'u', fieldValidation: 'Strict' },
      );
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof StatusError);
      assert.equal(err.code, 422);
      assert.equal(err.status.details?.causes?.[0].field, 'patch');
      assert.match(err.status.message!, /strict decoding error: unknown field "spec\.nope"/);
    }
  });
});
