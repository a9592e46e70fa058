// Two field managers applying finalizers and a label to one Knative Service through real kubectl
// (--server-side), checked against structured-merge-diff's rules: a finalizer is an item of a set,
// owned by whoever applies it; a label is a leaf whose changed value conflicts.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KObject } from '../../../src/sim/api/contracts.js';
import { createKubectl, requireKubectl, type Kubectl } from '../../helpers/kubectl.js';
import { usePlayground } from '../../helpers/playground.js';
import { tempDir } from '../../helpers/temp-dir.js';

type Fields = Record<string, unknown>;

describe('kubectl apply --server-side: two managers on one Service', () => {
  const pg = usePlayground();
  let k: Kubectl | undefined;
  after(() => k?.dispose());

  const file = join(tempDir('bgctl-ssa-two-'), 'service.json');
  async function apply(manager: string, body: Record<string, unknown>, ...flags: string[]) {
    writeFileSync(file, JSON.stringify({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', ...body }));
    return k!.run(['apply', '--server-side', `--field-manager=${manager}`, '-f', file, ...flags]);
  }
  async function live(name = 'two'): Promise<KObject> {
    const r = await k!.run(['get', 'ksvc', name, '-o', 'json', '--show-managed-fields']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as KObject;
  }
  const meta = (o: KObject, manager: string): Fields | undefined => {
    const entries = (o.metadata.managedFields ?? []) as Array<{ manager: string; fieldsV1: Fields }>;
    return entries.find((e) => e.manager === manager)?.fieldsV1?.['f:metadata'] as Fields | undefined;
  };

  test('each keeps its own finalizer item; a changed label conflicts until forced', async (t) => {
    const bin = requireKubectl(t);
    if (!bin) return;
    k = createKubectl(bin, pg.current.kubeconfigPath);
    const spec = { template: { spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v1' }] } } };

    let r = await apply('a', { metadata: { name: 'two', finalizers: ['example.com/a'] }, spec });
    assert.equal(r.code, 0, r.stderr);
    // b applies only what it manages: its finalizer (the spec stays a's).
    r = await apply('b', { metadata: { name: 'two', finalizers: ['example.com/b'] } });
    assert.equal(r.stdout.trim(), 'service.serving.knative.dev/two serverside-applied', r.stderr);
    let o = await live();
    assert.deepEqual(o.metadata.finalizers, ['example.com/a', 'example.com/b']);
    assert.deepEqual(meta(o, 'a')?.['f:finalizers'], { 'v:"example.com/a"': {} });
    assert.deepEqual(meta(o, 'b'), { 'f:finalizers': { 'v:"example.com/b"': {} } });

    // a stops applying its finalizer: only a's goes.
    r = await apply('a', { metadata: { name: 'two' }, spec });
    assert.equal(r.code, 0, r.stderr);
    o = await live();
    assert.deepEqual(o.metadata.finalizers, ['example.com/b']);
    assert.equal(meta(o, 'a')?.['f:finalizers'], undefined);

    // The same label with another value conflicts; kubectl explains how to resolve it.
    r = await apply('b', { metadata: { name: 'two', finalizers: ['example.com/b'], labels: { team: 'blue' } } });
    assert.equal(r.code, 0, r.stderr);
    r = await apply('a', { metadata: { name: 'two', labels: { team: 'green' } }, spec });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /^error: Apply failed with 1 conflict: conflict with "b": \.metadata\.labels\.team\n/);
    assert.match(r.stderr, /re-run the apply\n\s+command with the `--force-conflicts` flag/);
    assert.equal((await live()).metadata.labels?.team, 'blue');

    // Forced, the label (and only it) becomes a's; b keeps its finalizer.
    r = await apply('a', { metadata: { name: 'two', labels: { team: 'green' } }, spec }, '--force-conflicts');
    assert.equal(r.code, 0, r.stderr);
    o = await live();
    assert.equal(o.metadata.labels?.team, 'green');
    assert.deepEqual(meta(o, 'a')?.['f:labels'], { 'f:team': {} });
    assert.deepEqual(meta(o, 'b'), { 'f:finalizers': { 'v:"example.com/b"': {} } });
    assert.deepEqual(o.metadata.finalizers, ['example.com/b']);

    // An applied set with a duplicate cannot be typed: the apiserver answers 500 with no reason.
    r = await apply('b', { metadata: { name: 'two', finalizers: ['example.com/b', 'example.com/b'] } });
    assert.notEqual(r.code, 0);
    assert.equal(
      r.stderr.trim(),
      'Error from server: failed to create typed patch object (default/two; serving.knative.dev/v1, Kind=Service): ' +
        '.metadata.finalizers: duplicate entries for key [="example.com/b"]',
    );
  });
  test('volumes and imagePullSecrets merge by name; a changed field of the other manager conflicts', async (t) => {
    const bin = requireKubectl(t);
    if (!bin) return;
    k ??= createKubectl(bin, pg.current.kubeconfigPath);
    // Knative refuses a volume no container mounts, so a's container mounts both volumes.
    const volumeMounts = [
      { name: 'cfg', mountPath: '/cfg' },
      { name: 'data', mountPath: '/data' },
    ];
    const containers = [{ image: 'ghcr.io/bgctl/hello:v1', volumeMounts }];
    const cfg = { name: 'cfg', configMap: { name: 'settings' } };
    const data = { name: 'data', secret: { secretName: 'creds' } };
    const vols = (podSpec: Record<string, unknown>) => ({
      metadata: { name: 'vols' },
      spec: { template: { spec: podSpec } },
    });
    const podSpecFields = (o: KObject, manager: string) => {
      const entries = (o.metadata.managedFields ?? []) as Array<{ manager: string; fieldsV1: Fields }>;
      const f = entries.find((e) => e.manager === manager)?.fieldsV1 as Fields;
      return ((f?.['f:spec'] as Fields)?.['f:template'] as Fields)?.['f:spec'] as Fields | undefined;
    };
    const podSpec = (o: KObject) => (o.spec as { template: { spec: Record<string, unknown> } }).template.spec;

    let r = await apply('a', vols({ containers, volumes: [cfg, data], imagePullSecrets: [{ name: 'reg-a' }] }));
    assert.equal(r.code, 0, r.stderr);
    r = await apply('b', vols({ volumes: [data], imagePullSecrets: [{ name: 'reg-b' }] }));
    assert.equal(r.code, 0, r.stderr);
    let o = await live('vols');
    assert.deepEqual(podSpec(o).volumes, [cfg, data]);
    assert.deepEqual(podSpec(o).imagePullSecrets, [{ name: 'reg-a' }, { name: 'reg-b' }]);
    assert.deepEqual(podSpecFields(o, 'b'), {
      'f:imagePullSecrets': { 'k:{"name":"reg-b"}': {} },
      'f:volumes': { 'k:{"name":"data"}': { '.': {}, 'f:name': {}, 'f:secret': { 'f:secretName': {} } } },
    });

    r = await apply('b', vols({ volumes: [data, { name: 'cfg', configMap: { name: 'other' } }] }));
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /^error: Apply failed with 1 conflict: conflict with "a": \.spec\.template\.spec\.volumes\[name="cfg"\]\.configMap\n/,
    );

    // a stops applying data (b still does, so it stays); b stops applying reg-b (it goes).
    r = await apply('a', vols({ containers, volumes: [cfg], imagePullSecrets: [{ name: 'reg-a' }] }));
    assert.equal(r.code, 0, r.stderr);
    r = await apply('b', vols({ volumes: [data] }));
    assert.equal(r.code, 0, r.stderr);
    o = await live('vols');
    assert.deepEqual(podSpec(o).volumes, [cfg, data]);
    assert.deepEqual(podSpec(o).imagePullSecrets, [{ name: 'reg-a' }]);
  });
});
