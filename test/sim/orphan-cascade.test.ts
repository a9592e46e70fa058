// Deleting a Knative Service with the orphan cascade, through the real kubectl and client-node
// against a started playground. The Service holds the orphan finalizer while the garbage collector
// takes its owner reference off the Configuration and Route; Knative's webhook refuses that while
// they still carry the serving.knative.dev/service label (verifyLabelOwnerRef), so the Service stays
// deleting until the label is gone. Then only the Service's reference goes: the Revisions keep the
// Configuration's. The playground runs on a manual clock: the test moves it until the state it
// awaits is stored, and past the GC's retries to show that a held Service stays held.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { usePlayground } from '../helpers/playground.js';
import { createKubectl, requireKubectl, type Kubectl } from '../helpers/kubectl.js';
import { ManualClock } from './clock.js';
import { ksvc } from './api/fixture.js';

const GROUP = 'serving.knative.dev';
const at = (plural: string, name: string) => ({ group: GROUP, version: 'v1', namespace: 'default', plural, name });
const isReady = (o: any) =>
  o?.status?.observedGeneration === o?.metadata.generation &&
  o?.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');

describe('orphan cascade of a Knative Service', () => {
  const clock = new ManualClock();
  const pg = usePlayground({ clock });
  const stored = (plural: string, name: string) =>
    pg.current.registry.tryGet(pg.current.registry.resource(plural, GROUP)!, 'default', name);
  /** Moves the clock until `cond()` holds for the stored objects. */
  const runUntil = (cond: () => unknown, what: string): void => void clock.runUntil(cond, what);
  let api: k8s.CustomObjectsApi;
  let kubectl: Kubectl | undefined;
  before(() => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(pg.current.kubeconfigPath);
    api = kc.makeApiClient(k8s.CustomObjectsApi);
  });
  after(() => kubectl?.dispose());

  const tryGet = (plural: string, name: string): Promise<any> =>
    api
      .getNamespacedCustomObject(at(plural, name))
      .catch((err) => (err?.code === 404 ? undefined : Promise.reject(err)));

  /** A ready Service with two revisions; returns its uid and the Configuration's. */
  async function readyService(name: string): Promise<{ svcUid: string; cfgUid: string }> {
    await api.createNamespacedCustomObject({ ...at('services', name), body: ksvc(name, 'ghcr.io/bgctl/hello:v1') });
    runUntil(() => isReady(stored('services', name)), `${name} ready`);
    const patch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
    await api.patchNamespacedCustomObject(
      {
        ...at('services', name),
        body: { spec: { template: { spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v2' }] } } } },
      },
      patch,
    );
    runUntil(
      () =>
        isReady(stored('services', name)) &&
        stored('services', name)?.status.latestReadyRevisionName === `${name}-00002`,
      `${name} second revision`,
    );
    return {
      svcUid: (await tryGet('services', name)).metadata.uid,
      cfgUid: (await tryGet('configurations', name)).metadata.uid,
    };
  }

  const LABEL_DENIED =
    'admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed: missing field(s): metadata.labels.serving.knative.dev/service';

  /**
   * While the label is on, the Service stays deleting with the orphan finalizer and the children keep its reference.
   */
  async function assertHeld(name: string, svcUid: string): Promise<void> {
    // Well past the GC's retries (their backoff stops at 1 s): nothing lets the Service go.
    clock.advance(30_000);
    const svc = await tryGet('services', name);
    assert.ok(svc, 'the Service stays while the GC cannot release its children');
    assert.deepEqual(svc.metadata.finalizers, ['orphan']);
    assert.ok(svc.metadata.deletionTimestamp);
    for (const plural of ['configurations', 'routes']) {
      const o = await tryGet(plural, name);
      assert.deepEqual(
        o.metadata.ownerReferences.map((r: any) => r.uid),
        [svcUid],
        `${plural}/${name} keeps the Service reference`,
      );
    }
    // The GC's own write, as any client would send it, is what the webhook refuses.
    const patch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
    const refused = await api
      .patchNamespacedCustomObject(
        { ...at('configurations', name), body: { metadata: { ownerReferences: null } } },
        patch,
      )
      .then(
        () => undefined,
        (err) => (typeof err.body === 'string' ? JSON.parse(err.body) : err.body),
      );
    assert.equal(refused?.message, LABEL_DENIED);
  }

  /** Takes the service label off the Configuration and Route, which lets the GC's writes through. */
  async function unlabel(name: string): Promise<void> {
    const patch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
    for (const plural of ['configurations', 'routes']) {
      await api.patchNamespacedCustomObject(
        { ...at(plural, name), body: { metadata: { labels: { 'serving.knative.dev/service': null } } } },
        patch,
      );
    }
  }

  async function assertOrphaned(name: string, cfgUid: string): Promise<void> {
    assert.equal(await tryGet('services', name), undefined, 'the Service is gone');
    for (const plural of ['configurations', 'routes']) {
      const o = await tryGet(plural, name);
      assert.ok(o, `${plural}/${name} stays`);
      assert.equal(o.metadata.ownerReferences, undefined, `${plural}/${name} has no owner left`);
    }
    for (const rev of [`${name}-00001`, `${name}-00002`]) {
      const o = await tryGet('revisions', rev);
      assert.ok(o, `revisions/${rev} stays`);
      assert.deepEqual(
        o.metadata.ownerReferences,
        [
          {
            apiVersion: 'serving.knative.dev/v1',
            kind: 'Configuration',
            name,
            uid: cfgUid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        `revisions/${rev} keeps its Configuration as owner`,
      );
    }
    // The orphaned Route still routes: the Knative controllers keep reconciling it.
    const route = await tryGet('routes', name);
    assert.equal(route.status.traffic[0].revisionName, `${name}-00002`);
  }

  test('kubectl delete ksvc --cascade=orphan: held by the webhook until the label goes, then only the Service reference is stripped', async (t) => {
    const bin = requireKubectl(t);
    if (!bin) return;
    kubectl = createKubectl(bin, pg.current.kubeconfigPath);
    const { svcUid, cfgUid } = await readyService('kept');
    // kubectl would wait for the Service to go (as it would on a cluster), so do not wait here.
    const r = await kubectl.run(['delete', 'ksvc', 'kept', '--cascade=orphan', '--wait=false']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'service.serving.knative.dev "kept" deleted');
    await assertHeld('kept', svcUid);
    for (const kind of ['configuration', 'route']) {
      const l = await kubectl.run(['label', kind, 'kept', 'serving.knative.dev/service-']);
      assert.equal(l.code, 0, l.stderr);
    }
    runUntil(() => !stored('services', 'kept'), 'the Service to go');
    const w = await kubectl.run(['wait', '--for=delete', 'ksvc/kept', '--timeout=60s']);
    assert.equal(w.code, 0, w.stderr);
    await assertOrphaned('kept', cfgUid);
    const cfg = await kubectl.run(['get', 'configuration', 'kept', '-o', 'json']);
    assert.equal(cfg.code, 0, cfg.stderr);
    assert.equal(JSON.parse(cfg.stdout).metadata.ownerReferences, undefined);
  });

  test('client-node deleteNamespacedCustomObject with propagationPolicy Orphan: the object with the orphan finalizer, held, then gone', async () => {
    const { svcUid, cfgUid } = await readyService('left');
    const answer: any = await api.deleteNamespacedCustomObject({
      ...at('services', 'left'),
      propagationPolicy: 'Orphan',
    });
    assert.equal(answer.kind, 'Service', 'a delete held by a finalizer answers with the object');
    assert.equal(answer.metadata.uid, svcUid);
    assert.deepEqual(answer.metadata.finalizers, ['orphan']);
    assert.ok(answer.metadata.deletionTimestamp);
    await assertHeld('left', svcUid);
    await unlabel('left');
    runUntil(() => !stored('services', 'left'), 'the Service to go');
    await assertOrphaned('left', cfgUid);
  });

  test('Background still deletes the children', async () => {
    await readyService('swept');
    await api.deleteNamespacedCustomObject({ ...at('services', 'swept'), propagationPolicy: 'Background' });
    runUntil(
      () => !stored('configurations', 'swept') && !stored('routes', 'swept') && !stored('revisions', 'swept-00001'),
      'the cascade',
    );
    for (const [plural, name] of [
      ['configurations', 'swept'],
      ['routes', 'swept'],
      ['revisions', 'swept-00001'],
    ])
      assert.equal(await tryGet(plural, name), undefined, `${plural}/${name} is gone`);
  });
});
