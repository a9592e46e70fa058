// TestBlueGreenRoute end to end: client-node over HTTPS against startPlayground(), then the
// playground's ingress by Host header. The playground runs on a manual clock that the test moves
// until the stored Service is in the state awaited, which it then reads over HTTPS.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startPlayground, type Playground } from '../../src/sim/playground.js';
import { ManualClock } from './clock.js';
import { ingressGet } from '../helpers/ingress.js';
import { SERVICES, mergePatch } from './api/fixture.js';

const get = (address: string, host: string) => ingressGet(address, host);

const isReady = (o: any) =>
  o.status?.observedGeneration === o.metadata.generation &&
  o.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');

/** Moves the playground's clock until the stored Service satisfies `pred`; returns it as served over HTTPS. */
async function waitFor(
  pg: Playground,
  clock: ManualClock,
  api: k8s.CustomObjectsApi,
  name: string,
  pred: (o: any) => boolean,
  what: string,
): Promise<any> {
  const def = pg.registry.resource(SERVICES.plural, SERVICES.group)!;
  clock.runUntil(() => pred(pg.registry.tryGet(def, SERVICES.namespace, name)), `${name}: ${what}`);
  const served = await api.getNamespacedCustomObject({ ...SERVICES, name });
  assert.ok(pred(served), `${name}: ${what}, but served ${JSON.stringify(served?.status)}`);
  return served;
}

describe('blue-green over HTTPS with client-node', () => {
  let pg: Playground;
  let api: k8s.CustomObjectsApi;
  const clock = new ManualClock();
  before(async () => {
    pg = await startPlayground({ clock });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(pg.kubeconfigPath);
    api = kc.makeApiClient(k8s.CustomObjectsApi);
  });
  after(() => pg.stop());

  test('TestBlueGreenRoute', async () => {
    await api.createNamespacedCustomObject({
      ...SERVICES,
      body: {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name: 'pizza' },
        spec: { template: { spec: { containers: [{ image: 'ghcr.io/x/pizza:v1' }] } } },
      },
    });
    const first = await waitFor(pg, clock, api, 'pizza', isReady, 'ready');
    assert.equal(first.status.observedGeneration, 1);
    const blue = first.status.latestReadyRevisionName;
    assert.equal(blue, first.status.latestCreatedRevisionName);

    const cur = await api.getNamespacedCustomObject({ ...SERVICES, name: 'pizza' });
    cur.spec.template.spec.containers[0].image = 'ghcr.io/x/pizza:v2';
    await api.replaceNamespacedCustomObject({ ...SERVICES, name: 'pizza', body: cur });
    const created = await waitFor(
      pg,
      clock,
      api,
      'pizza',
      (o) => o.status?.latestCreatedRevisionName && o.status.latestCreatedRevisionName !== blue,
      'green created',
    );
    const green = created.status.latestCreatedRevisionName;
    await waitFor(pg, clock, api, 'pizza', (o) => o.status?.latestReadyRevisionName === green, 'green ready');

    await api.patchNamespacedCustomObject(
      {
        ...SERVICES,
        name: 'pizza',
        body: {
          spec: {
            traffic: [
              { tag: 'blue', revisionName: blue, percent: 50 },
              { tag: 'green', revisionName: green, percent: 50 },
            ],
          },
        },
      },
      mergePatch(),
    );
    const svc = await waitFor(pg, clock, api, 'pizza', isReady, 'ready after the split');
    const blueUrl = svc.status.traffic.find((t: any) => t.tag === 'blue')?.url;
    const greenUrl = svc.status.traffic.find((t: any) => t.tag === 'green')?.url;
    assert.ok(blueUrl && greenUrl, JSON.stringify(svc.status.traffic));

    assert.equal((await get(pg.ingress, new URL(greenUrl).host)).status, 200);
    const teal = await Promise.all(Array.from({ length: 20 }, () => get(pg.ingress, new URL(svc.status.url).host)));
    const count = (rev: string) => teal.filter((r) => r.revision === rev).length;
    assert.ok(count(blue) >= 5 && count(green) >= 5, `teal: ${count(blue)} blue, ${count(green)} green`);
    for (const r of await Promise.all(Array.from({ length: 5 }, () => get(pg.ingress, new URL(blueUrl).host)))) {
      assert.equal(r.body, `Hello from ${blue} (service pizza, image ghcr.io/x/pizza:v1)\n`);
    }
    for (const r of await Promise.all(Array.from({ length: 5 }, () => get(pg.ingress, new URL(greenUrl).host)))) {
      assert.equal(r.body, `Hello from ${green} (service pizza, image ghcr.io/x/pizza:v2)\n`);
    }
  });
});
