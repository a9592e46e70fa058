// Two field managers applying finalizers and a label to one Knative Service through real kubectl
// (--server-side), checked against structured-merge-diff's rules: a finalizer is an item of a set,
// owned by whoever applies it; a label is a leaf whose changed value conflicts.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { KObject } from '../../../src/sim/api/contracts.js';
import { createKubectl, requireKubectl, type Kubectl } from '../../helpers/kubectl.js';
import { usePlayground } from '../../helpers/playground.js';

type Fields = Record<string, unknown>;

describe('kubectl apply --server-side: two managers on one Service', () => {
  const pg = usePlayground();
  let k: Kubectl | undefined;
  after(() => k?.dispose());

  const file = join(tmpdir(), `bgctl-ssa-two-${process.pid}.json`);
  async function apply(manager: string, body: Record<string, unknown>, ...flags: string[]) {
    writeFileSync(file, JSON.stringify({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', ...body }));
    return k!.run(['apply', '--server-side', `--field-manager=${manager}`, '-f', file, ...flags]);
  }
  async function live(): Promise<KObject> {
    const r = await k!.run(['get', 'ksvc', 'two', '-o', 'json', '--show-managed-fields']);
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
});
