// The associative lists of ObjectMeta under server-side apply: metadata.finalizers is a set and
// metadata.ownerReferences a map keyed by uid (of atomic items), so appliers merge and own them
// item by item; every other list stays atomic.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRegistry } from '../../../src/sim/api/registry.js';
import { StatusError, type KObject } from '../../../src/sim/api/contracts.js';
import { ManualClock } from '../clock.js';

type Fields = Record<string, unknown>;

function setup() {
  const r = createRegistry({ clock: new ManualClock() });
  const ns = r.resource('namespaces', '')!;
  const svc = r.resource('services', 'serving.knative.dev')!;
  r.create(ns, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, { user: 'u' });
  return { r, svc };
}

const ref = (uid: string, name = `owner-${uid}`) => ({ apiVersion: 'v1', kind: 'ConfigMap', name, uid });

function ksvc(meta: Record<string, unknown>): KObject {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: 'a', ...meta },
    spec: { template: { spec: { containers: [{ image: 'img:v1' }] } } },
  };
}

function metaFields(o: KObject, manager: string): Fields | undefined {
  const entries = (o.metadata.managedFields ?? []) as Array<{ manager: string; fieldsV1: Fields }>;
  return entries.find((e) => e.manager === manager)?.fieldsV1?.['f:metadata'] as Fields | undefined;
}

function conflict(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  assert.fail('no conflict');
}

describe('managed fields: finalizers as a set, ownerReferences keyed by uid', () => {
  test('two appliers each keep their finalizer; one that stops applying its own removes only that one', () => {
    const { r, svc } = setup();
    const as = (manager: string, finalizers: string[]) =>
      r.patch(svc, 'default', 'a', 'apply', ksvc({ finalizers }), { user: 'u', fieldManager: manager });
    r.create(svc, 'default', ksvc({}), { user: 'u', fieldManager: 'maker' });
    as('alice', ['example.com/a']);
    const both = as('bob', ['example.com/b']).object;
    assert.deepEqual(both.metadata.finalizers, ['example.com/a', 'example.com/b']);
    assert.deepEqual(metaFields(both, 'alice'), { 'f:finalizers': { 'v:"example.com/a"': {} } });
    assert.deepEqual(metaFields(both, 'bob'), { 'f:finalizers': { 'v:"example.com/b"': {} } });

    // Applying the other's item too shares it; no conflict (a set item has no value to change).
    const shared = as('bob', ['example.com/a', 'example.com/b']).object;
    assert.deepEqual(shared.metadata.finalizers, ['example.com/a', 'example.com/b']);

    const left = as('alice', []).object;
    assert.deepEqual(left.metadata.finalizers, ['example.com/a', 'example.com/b'], 'bob still applies a');
    const dropped = as('bob', ['example.com/b']).object;
    assert.deepEqual(dropped.metadata.finalizers, ['example.com/b']);
  });

  test('a create owns the finalizers list and each item (`.` and v: entries)', () => {
    const { r, svc } = setup();
    const made = r.create(svc, 'default', ksvc({ finalizers: ['example.com/x'] }), {
      user: 'u',
      fieldManager: 'maker',
    });
    assert.deepEqual(metaFields(made, 'maker')?.['f:finalizers'], { '.': {}, 'v:"example.com/x"': {} });
  });

  test('ownerReferences merge by uid; changing an item another manager owns conflicts on that item', () => {
    const { r, svc } = setup();
    r.create(svc, 'default', ksvc({}), { user: 'u', fieldManager: 'maker' });
    r.patch(svc, 'default', 'a', 'apply', ksvc({ ownerReferences: [ref('u1')] }), { user: 'u', fieldManager: 'alice' });
    const both = r.patch(svc, 'default', 'a', 'apply', ksvc({ ownerReferences: [ref('u2')] }), {
      user: 'u',
      fieldManager: 'bob',
    }).object;
    assert.deepEqual(both.metadata.ownerReferences, [ref('u1'), ref('u2')]);
    // OwnerReference is an atomic struct: the item is a leaf, no fields below it.
    assert.deepEqual(metaFields(both, 'bob'), { 'f:ownerReferences': { 'k:{"uid":"u2"}': {} } });

    const err = conflict(() =>
      r.patch(svc, 'default', 'a', 'apply', ksvc({ ownerReferences: [ref('u1', 'renamed')] }), {
        user: 'u',
        fieldManager: 'bob',
      }),
    );
    assert.equal(err.code, 409);
    assert.equal(
      err.status.message,
      'Apply failed with 1 conflict: conflict with "alice": .metadata.ownerReferences[uid="u1"]',
    );
    const forced = r.patch(svc, 'default', 'a', 'apply', ksvc({ ownerReferences: [ref('u1', 'renamed')] }), {
      user: 'u',
      fieldManager: 'bob',
      force: true,
    }).object;
    // bob stopped applying u2 and nobody else owns it; u1 is bob's now.
    assert.deepEqual(forced.metadata.ownerReferences, [ref('u1', 'renamed')]);
    assert.equal(metaFields(forced, 'alice'), undefined);
  });

  test('an apply with a duplicate or keyless item is refused as upstream cannot type it (500, no reason)', () => {
    const { r, svc } = setup();
    r.create(svc, 'default', ksvc({ finalizers: ['example.com/x'] }), { user: 'u', fieldManager: 'maker' });
    const apply = (meta: Record<string, unknown>) => () =>
      r.patch(svc, 'default', 'a', 'apply', ksvc({ namespace: 'default', ...meta }), {
        user: 'u',
        fieldManager: 'alice',
      });
    const prefix = 'failed to create typed patch object (default/a; serving.knative.dev/v1, Kind=Service): ';

    const dup = conflict(apply({ finalizers: ['example.com/a', 'example.com/a'] }));
    assert.equal(dup.code, 500);
    assert.equal(dup.status.reason, undefined);
    assert.equal(dup.status.message, `${prefix}.metadata.finalizers: duplicate entries for key [="example.com/a"]`);

    const both = conflict(
      apply({ finalizers: ['example.com/a', 'example.com/a'], ownerReferences: [ref('u1'), ref('u1', 'again')] }),
    );
    assert.equal(
      both.status.message,
      `${prefix}errors:\n  .metadata.finalizers: duplicate entries for key [="example.com/a"]\n` +
        '  .metadata.ownerReferences: duplicate entries for key [uid="u1"]',
    );

    const { uid: _uid, ...keyless } = ref('u1');
    const noKey = conflict(apply({ ownerReferences: [keyless] }));
    assert.equal(
      noKey.status.message,
      `${prefix}.metadata.ownerReferences: element 0: associative list with keys has an element that omits all ` +
        'key fields ["uid"] (and doesn\'t have default values for any key fields)',
    );
    assert.deepEqual(r.get(svc, 'default', 'a').metadata.finalizers, ['example.com/x'], 'nothing was written');
  });
});
