// The PodSpec lists Knative's CRD schema types as list-type maps (volumes and imagePullSecrets,
// keyed by name) under server-side apply: appliers merge and own them item by item, the way
// structured-merge-diff does on a real apiserver. The containers list has no list type, so it
// stays atomic, and the env and volumeMounts maps inside it with it.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRegistry } from '../../../src/sim/api/registry.js';
import { StatusError, type KObject } from '../../../src/sim/api/contracts.js';
import { ManualClock } from '../clock.js';

type Fields = Record<string, unknown>;
const containers = [{ image: 'img:v1' }];
const cfg = { name: 'cfg', configMap: { name: 'settings' } };
const data = { name: 'data', secret: { secretName: 'creds' } };

function setup() {
  const r = createRegistry({ clock: new ManualClock() });
  const ns = r.resource('namespaces', '')!;
  const svc = r.resource('services', 'serving.knative.dev')!;
  r.create(ns, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, { user: 'u' });
  const ksvc = (podSpec: Record<string, unknown>): KObject => ({
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: 'a' },
    spec: { template: { spec: podSpec } },
  });
  const apply = (
    manager: string,
    podSpec: Record<string, unknown>,
    extra: { dryRun?: boolean; force?: boolean } = {},
  ) => r.patch(svc, 'default', 'a', 'apply', ksvc(podSpec), { user: 'u', fieldManager: manager, ...extra }).object;
  const get = () => r.get(svc, 'default', 'a');
  return { r, svc, ksvc, apply, get };
}

function podSpecFields(o: KObject, manager: string): Fields | undefined {
  const entries = (o.metadata.managedFields ?? []) as Array<{ manager: string; fieldsV1: Fields }>;
  const f = entries.find((e) => e.manager === manager)?.fieldsV1 as Fields | undefined;
  return ((f?.['f:spec'] as Fields)?.['f:template'] as Fields)?.['f:spec'] as Fields | undefined;
}

const containersOf = (o: KObject) =>
  (o.spec as { template: { spec: { containers?: unknown[] } } }).template.spec.containers;
const volumesOf = (o: KObject) => (o.spec as { template: { spec: { volumes?: unknown[] } } }).template.spec.volumes;

function refusal(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  assert.fail('not refused');
}

describe('managed fields: volumes and imagePullSecrets merge by name', () => {
  test('two appliers each keep their own volume and own it as a k:{"name":…} item', () => {
    const { apply } = setup();
    apply('alice', { containers, volumes: [cfg] });
    const both = apply('bob', { volumes: [data] });
    assert.deepEqual(volumesOf(both), [cfg, data]);
    // An applied item is a member (`.`) with its fields below; configMap is an atomic struct.
    assert.deepEqual(podSpecFields(both, 'alice'), {
      'f:containers': {},
      'f:volumes': { 'k:{"name":"cfg"}': { '.': {}, 'f:configMap': {}, 'f:name': {} } },
    });
    assert.deepEqual(podSpecFields(both, 'bob'), {
      'f:volumes': { 'k:{"name":"data"}': { '.': {}, 'f:name': {}, 'f:secret': { 'f:secretName': {} } } },
    });
  });

  test("changing a field of another manager's volume conflicts on that field; the same value is shared", () => {
    const { apply, get } = setup();
    apply('alice', { containers, volumes: [cfg] });
    apply('bob', { volumes: [data] });
    const e = refusal(() => apply('bob', { volumes: [data, { name: 'cfg', configMap: { name: 'other' } }] }));
    assert.equal(e.status.code, 409);
    assert.equal(e.status.reason, 'Conflict');
    assert.equal(
      e.status.message,
      'Apply failed with 1 conflict: conflict with "alice": .spec.template.spec.volumes[name="cfg"].configMap',
    );
    assert.deepEqual(e.status.details?.causes, [
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "alice"',
        field: '.spec.template.spec.volumes[name="cfg"].configMap',
      },
    ]);
    assert.deepEqual(volumesOf(get()), [cfg, data]);

    // Applied as it is, the item is shared: both own it and no one conflicts.
    const shared = apply('bob', { volumes: [data, cfg] });
    assert.deepEqual(Object.keys(podSpecFields(shared, 'bob')?.['f:volumes'] as Fields), [
      'k:{"name":"cfg"}',
      'k:{"name":"data"}',
    ]);
    assert.deepEqual(Object.keys(podSpecFields(shared, 'alice')?.['f:volumes'] as Fields), ['k:{"name":"cfg"}']);
  });

  test('an applier that stops applying its volume removes only that one; the last one takes the list', () => {
    const { apply } = setup();
    apply('alice', { containers, volumes: [cfg] });
    apply('bob', { volumes: [data] });
    const left = apply('bob', {});
    assert.deepEqual(volumesOf(left), [cfg]);
    assert.deepEqual(podSpecFields(left, 'bob'), {}, 'bob applied an empty pod spec, a leaf');
    const none = apply('alice', { containers });
    assert.equal(volumesOf(none), undefined);
    assert.deepEqual(podSpecFields(none, 'alice'), { 'f:containers': {} });
  });

  test('merged items keep the stored order; the ones an apply repeats follow its order', () => {
    const { r, svc, ksvc, apply } = setup();
    const base = { name: 'base', secret: { secretName: 's' } };
    r.create(svc, 'default', ksvc({ containers, volumes: [base] }), { user: 'u', fieldManager: 'maker' });
    apply('alice', { volumes: [cfg] });
    assert.deepEqual(volumesOf(apply('bob', { volumes: [data] })), [base, cfg, data]);
    // structured-merge-diff: base (not applied) stays first, the shared cfg moves after data.
    assert.deepEqual(volumesOf(apply('bob', { volumes: [data, cfg] })), [base, data, cfg]);
  });

  test('a volume another manager also owns stays when one applier drops it', () => {
    const { apply } = setup();
    apply('alice', { containers, volumes: [cfg] });
    apply('bob', { volumes: [cfg] });
    assert.deepEqual(volumesOf(apply('alice', { containers })), [cfg]);
  });

  test('a create (an update) owns the list, each item and the fields it added, all with `.`', () => {
    const { r, svc, ksvc } = setup();
    const made = r.create(svc, 'default', ksvc({ containers, volumes: [data], imagePullSecrets: [{ name: 'reg' }] }), {
      user: 'u',
      fieldManager: 'maker',
    });
    assert.deepEqual(podSpecFields(made, 'maker'), {
      '.': {},
      'f:containers': {},
      'f:imagePullSecrets': { '.': {}, 'k:{"name":"reg"}': {} },
      'f:volumes': {
        '.': {},
        'k:{"name":"data"}': { '.': {}, 'f:name': {}, 'f:secret': { '.': {}, 'f:secretName': {} } },
      },
    });
  });

  test('imagePullSecrets merge by name; their items are atomic (nothing owned below the key)', () => {
    const { apply } = setup();
    apply('alice', { containers, imagePullSecrets: [{ name: 'reg-a' }] });
    const both = apply('bob', { imagePullSecrets: [{ name: 'reg-b' }] });
    assert.deepEqual((both.spec as { template: { spec: Fields } }).template.spec.imagePullSecrets, [
      { name: 'reg-a' },
      { name: 'reg-b' },
    ]);
    assert.deepEqual(podSpecFields(both, 'bob'), { 'f:imagePullSecrets': { 'k:{"name":"reg-b"}': {} } });
  });

  test('a dry-run apply merges and conflicts the same way and stores nothing', () => {
    const { apply, get } = setup();
    apply('alice', { containers, volumes: [cfg] });
    const dry = apply('bob', { volumes: [data] }, { dryRun: true });
    assert.deepEqual(volumesOf(dry), [cfg, data]);
    assert.deepEqual(volumesOf(get()), [cfg]);
    const e = refusal(() => apply('bob', { volumes: [{ name: 'cfg', configMap: { name: 'x' } }] }, { dryRun: true }));
    assert.equal(e.status.code, 409);
  });

  test('an applied list with a duplicate or keyless volume cannot be typed: 500 with the path', () => {
    const { apply } = setup();
    apply('alice', { containers });
    const e = refusal(() => apply('bob', { volumes: [cfg, cfg] }));
    assert.equal(e.status.code, 500);
    // The body has no namespace, and upstream names the object as the body does.
    assert.equal(
      e.status.message,
      'failed to create typed patch object (/a; serving.knative.dev/v1, Kind=Service): ' +
        '.spec.template.spec.volumes: duplicate entries for key [name="cfg"]',
    );
    const keyless = refusal(() => apply('bob', { volumes: [{ configMap: { name: 'x' } }] }));
    assert.match(
      keyless.status.message ?? '',
      /\.spec\.template\.spec\.volumes: element 0: associative list with keys has an element that omits all key fields \["name"\]/,
    );
  });
});

describe('managed fields: containers stay atomic, env and volumeMounts with them', () => {
  test("a second applier's container change conflicts on .spec.template.spec.containers", () => {
    const { apply, get } = setup();
    const withEnv = [
      { image: 'img:v1', env: [{ name: 'A', value: '1' }], volumeMounts: [{ name: 'cfg', mountPath: '/a' }] },
    ];
    const first = apply('alice', { containers: withEnv, volumes: [cfg] });
    assert.deepEqual(podSpecFields(first, 'alice')?.['f:containers'], {}, 'the list is one leaf, not items');
    const moreEnv = [
      { ...withEnv[0], env: [{ name: 'B', value: '2' }], volumeMounts: [{ name: 'cfg', mountPath: '/b' }] },
    ];
    const e = refusal(() => apply('bob', { containers: moreEnv }));
    assert.equal(
      e.status.message,
      'Apply failed with 1 conflict: conflict with "alice": .spec.template.spec.containers',
    );
    assert.deepEqual(containersOf(get()), withEnv);
    // Forced, the list is replaced whole: alice's env item A and mount /a go, they are not merged.
    const forced = apply('bob', { containers: moreEnv }, { force: true });
    assert.deepEqual(containersOf(forced), moreEnv);
    assert.equal(podSpecFields(forced, 'alice')?.['f:containers'], undefined);
  });
});
