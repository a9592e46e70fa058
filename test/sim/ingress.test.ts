// The data plane on its own: Services and Revisions written by hand (no controllers), so the
// routing is exactly what status.traffic says.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject, Registry } from '../../src/sim/api/contracts.js';
import { createRegistry } from '../../src/sim/api/registry.js';
import { startIngress, type Ingress } from '../../src/sim/ingress.js';
import { ingressGet } from '../helpers/ingress.js';

const CTX = { user: 'test' };
const G = 'serving.knative.dev';

const get = (port: number, host: string) => ingressGet(`127.0.0.1:${port}`, host, '/anything?x=1');

function revision(
  reg: Registry,
  name: string,
  image: string,
  ready: 'True' | 'Unknown',
  annotations: Record<string, string> = {},
): void {
  const def = reg.resource('revisions', G)!;
  const rev = reg.create(
    def,
    'default',
    { apiVersion: `${G}/v1`, kind: 'Revision', metadata: { name, annotations }, spec: { containers: [{ image }] } },
    CTX,
  );
  reg.updateStatus(
    def,
    'default',
    { ...rev, status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: ready }] } },
    CTX,
  );
}

function service(reg: Registry, name: string, traffic: Array<Record<string, unknown>>): KObject {
  const def = reg.resource('services', G)!;
  const svc = reg.create(
    def,
    'default',
    {
      apiVersion: `${G}/v1`,
      kind: 'Service',
      metadata: { name },
      spec: { template: { spec: { containers: [{ image: 'x' }] } } },
    },
    CTX,
  );
  return reg.updateStatus(
    def,
    'default',
    {
      ...svc,
      status: {
        url: `http://${name}.default.example.com`,
        address: { url: `http://${name}.default.svc.cluster.local` },
        traffic,
      },
    },
    CTX,
  );
}

describe('ingress', () => {
  let reg: Registry & { close?: () => void };
  let ing: Ingress;
  before(async () => {
    reg = createRegistry();
    const nsDef = reg.resource('namespaces', '')!;
    if (!reg.tryGet(nsDef, undefined, 'default'))
      reg.create(nsDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, CTX);
    revision(reg, 'web-00001', 'img:v1', 'True');
    revision(reg, 'web-00002', 'img:v2', 'True');
    revision(reg, 'web-00003', 'img:v3', 'Unknown');
    revision(reg, 'flaky-00001', 'img:f', 'True', { 'sim.bgctl.dev/error-rate': '0.25' });
    revision(reg, 'slow-00001', 'img:s', 'True', { 'sim.bgctl.dev/latency': '1s' });
    service(reg, 'web', [
      {
        tag: 'blue',
        revisionName: 'web-00001',
        percent: 75,
        latestRevision: false,
        url: 'http://blue-web.default.example.com',
      },
      { revisionName: 'web-00002', percent: 25, latestRevision: false },
      {
        tag: 'next',
        revisionName: 'web-00003',
        percent: 0,
        latestRevision: false,
        url: 'http://next-web.default.example.com',
      },
    ]);
    service(reg, 'flaky', [{ revisionName: 'flaky-00001', percent: 100 }]);
    service(reg, 'slow', [{ revisionName: 'slow-00001', percent: 100 }]);
    ing = await startIngress(reg);
  });
  after(async () => {
    await ing.stop();
    reg.close?.();
  });

  test('the main host spreads requests by percent; 0% targets get none', async () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 40; i++) {
      const r = await get(ing.port, 'web.default.example.com');
      assert.equal(r.status, 200);
      counts[r.revision!] = (counts[r.revision!] ?? 0) + 1;
    }
    assert.deepEqual(counts, { 'web-00001': 30, 'web-00002': 10 });
  });

  test('the answer names revision, service and image', async () => {
    const r = await get(ing.port, 'blue-web.default.example.com:80');
    assert.equal(r.status, 200);
    assert.equal(r.revision, 'web-00001');
    assert.equal(r.body, 'Hello from web-00001 (service web, image img:v1)\n');
  });

  test('a tag host serves only its revision; the cluster-local address serves like the main host', async () => {
    for (let i = 0; i < 5; i++)
      assert.equal((await get(ing.port, 'BLUE-web.default.example.com')).revision, 'web-00001');
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) seen.add((await get(ing.port, 'web.default.svc.cluster.local')).revision!);
    assert.deepEqual([...seen].sort(), ['web-00001', 'web-00002']);
  });

  test('a revision that is not Ready answers 503', async () => {
    const r = await get(ing.port, 'next-web.default.example.com');
    assert.equal(r.status, 503);
    assert.equal(r.revision, 'web-00003');
  });

  test('unknown hosts get 404', async () => {
    assert.equal((await get(ing.port, 'nope.default.example.com')).status, 404);
    assert.equal((await get(ing.port, '127.0.0.1')).status, 404);
  });

  test('error-rate answers exactly that fraction with 500', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 20; i++) codes.push((await get(ing.port, 'flaky.default.example.com')).status);
    assert.equal(codes.filter((c) => c === 500).length, 5);
    assert.equal(codes.filter((c) => c === 200).length, 15);
  });

  test("latency holds a revision's answer back (a later fast request finishes first)", async () => {
    const order: string[] = [];
    const slow = get(ing.port, 'slow.default.example.com').then((r) => order.push(r.revision!));
    // Data-plane latency is wall time (HTTP clients wait on it); this only sends the fast request later.
    await new Promise((r) => setTimeout(r, 20));
    const fast = get(ing.port, 'blue-web.default.example.com').then((r) => order.push(r.revision!));
    await Promise.all([slow, fast]);
    assert.deepEqual(order, ['web-00001', 'slow-00001']);
  });

  test('routing follows status changes without a restart', async () => {
    const def = reg.resource('services', G)!;
    const svc = reg.get(def, 'default', 'web');
    reg.updateStatus(
      def,
      'default',
      { ...svc, status: { ...svc.status, traffic: [{ revisionName: 'web-00002', percent: 100 }] } },
      CTX,
    );
    for (let i = 0; i < 4; i++) assert.equal((await get(ing.port, 'web.default.example.com')).revision, 'web-00002');
    assert.equal((await get(ing.port, 'blue-web.default.example.com')).status, 404);
  });
});
