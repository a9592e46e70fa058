import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRegistry } from '../../../src/sim/api/registry.js';
import { StatusError, type KObject, type WatchEvent, type ChangeEvent } from '../../../src/sim/api/contracts.js';
import { until } from '../wait.js';
import { ManualClock } from '../clock.js';

const ctx = { user: 'tester', fieldManager: 'test' };

/** A registry on a manual clock: its GC and namespace sweeps run when a test moves the clock. */
function setup(opts?: { historyLimit?: number }) {
  const clock = new ManualClock();
  const r = createRegistry({ ...opts, clock });
  const ns = r.resource('namespaces', '')!;
  const svc = r.resource('services', 'serving.knative.dev')!;
  const rev = r.resource('revisions', 'serving.knative.dev')!;
  r.create(ns, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, ctx);
  return { r, ns, svc, rev, clock };
}

function ksvc(name: string, extra: Partial<KObject> = {}): KObject {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name, ...(extra.metadata ?? {}) },
    spec: {
      template: { spec: { containers: [{ image: 'img:v1' }] } },
      traffic: [{ latestRevision: true, percent: 100 }],
    },
    ...(extra.status ? { status: extra.status } : {}),
  };
}

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected StatusError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an error');
}

describe('registry: create, get, update', () => {
  test('create sets uid, RV, generation 1 and drops status', () => {
    const { r, svc } = setup();
    const before = r.currentResourceVersion();
    const o = r.create(svc, 'default', ksvc('a', { status: { url: 'x' } }), ctx);
    assert.match(o.metadata.uid!, /^[0-9a-f-]{36}$/);
    assert.equal(o.metadata.resourceVersion, String(before + 1));
    assert.equal(o.metadata.generation, 1);
    assert.equal(o.status, undefined);
    assert.match(o.metadata.creationTimestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(r.get(svc, 'default', 'a').metadata.uid, o.metadata.uid);
  });

  test('namespaces get finalizers, phase and the name label; no generation', () => {
    const { r, ns } = setup();
    const n = r.get(ns, undefined, 'default');
    assert.deepEqual(n.spec, { finalizers: ['kubernetes'] });
    assert.deepEqual(n.status, { phase: 'Active' });
    assert.equal(n.metadata.labels!['kubernetes.io/metadata.name'], 'default');
    assert.equal(n.metadata.generation, undefined);
  });

  test('exact errors: not found, already exists, missing namespace, bad name', () => {
    const { r, svc, ns } = setup();
    r.create(svc, 'default', ksvc('a'), ctx);
    let e = statusOf(() => r.get(svc, 'default', 'nope'));
    assert.deepEqual(e.status, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'services.serving.knative.dev "nope" not found',
      details: { name: 'nope', group: 'serving.knative.dev', kind: 'services' },
    });
    e = statusOf(() => r.create(svc, 'default', ksvc('a'), ctx));
    assert.equal(e.code, 409);
    assert.equal(e.status.message, 'services.serving.knative.dev "a" already exists');
    e = statusOf(() => r.create(svc, 'missing', ksvc('a'), ctx));
    assert.equal(e.code, 404);
    assert.equal(e.status.message, 'namespaces "missing" not found');
    assert.equal(e.status.details?.kind, 'namespaces');
    e = statusOf(() => r.create(svc, 'default', ksvc('Foo'), ctx));
    assert.equal(e.code, 422);
    assert.match(
      e.status.message!,
      /^Service\.serving\.knative\.dev "Foo" is invalid: metadata\.name: Invalid value: "Foo": a lowercase RFC 1123 subdomain/,
    );
    assert.equal(e.status.details?.kind, 'Service');
    e = statusOf(() =>
      r.create(ns, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } }, ctx),
    );
    assert.match(
      e.status.message!,
      /^Namespace "a\.b" is invalid: metadata\.name: Invalid value: "a\.b": a lowercase RFC 1123 label/,
    );
    e = statusOf(() => r.create(svc, 'default', ksvc(''), ctx));
    assert.equal(
      e.status.message,
      'Service.serving.knative.dev "" is invalid: metadata.name: Required value: name or generateName is required',
    );
    e = statusOf(() => r.create(svc, 'default', { ...ksvc('b'), metadata: { name: 'b', namespace: 'other' } }, ctx));
    assert.equal(
      e.status.message,
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  });

  test('update: RV required, stale RV conflicts, generation only on spec change, status ignored', () => {
    const { r, svc } = setup();
    const o = r.create(svc, 'default', ksvc('a'), ctx);
    const noRv = structuredClone(o);
    delete noRv.metadata.resourceVersion;
    let e = statusOf(() => r.update(svc, 'default', noRv, ctx));
    assert.equal(e.code, 422);
    assert.equal(
      e.status.message,
      'services.serving.knative.dev "a" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update',
    );
    const labelled = r.update(
      svc,
      'default',
      { ...o, metadata: { ...o.metadata, labels: { x: 'y' } }, status: { url: 'ignored' } },
      ctx,
    );
    assert.equal(labelled.metadata.generation, 1);
    assert.equal(labelled.status, undefined);
    assert.notEqual(labelled.metadata.resourceVersion, o.metadata.resourceVersion);
    e = statusOf(() => r.update(svc, 'default', o, ctx));
    assert.equal(e.code, 409);
    assert.equal(
      e.status.message,
      'Operation cannot be fulfilled on services.serving.knative.dev "a": the object has been modified; please apply your changes to the latest version and try again',
    );
    const changed = structuredClone(labelled);
    changed.spec.template.spec.containers[0].image = 'img:v2';
    const u2 = r.update(svc, 'default', changed, ctx);
    assert.equal(u2.metadata.generation, 2);
    // A no-op update keeps the RV.
    const same = r.update(svc, 'default', u2, ctx);
    assert.equal(same.metadata.resourceVersion, u2.metadata.resourceVersion);
  });

  test('updateStatus changes only status and never the generation', () => {
    const { r, svc } = setup();
    const o = r.create(svc, 'default', ksvc('a'), ctx);
    const s = r.updateStatus(
      svc,
      'default',
      { ...o, spec: { changed: true }, metadata: { ...o.metadata, labels: { a: 'b' } }, status: { url: 'http://a' } },
      ctx,
    );
    assert.deepEqual(s.status, { url: 'http://a' });
    assert.deepEqual(s.spec, o.spec);
    assert.equal(s.metadata.labels, undefined);
    assert.equal(s.metadata.generation, 1);
  });

  test('schema: unknown fields pruned with warnings, Strict rejects, wrong types are 422', () => {
    const { r, svc } = setup();
    const warnCtx = { ...ctx, warnings: [] as string[] };
    const bad = ksvc('a');
    bad.spec.foo = 1;
    const o = r.create(svc, 'default', bad, warnCtx);
    assert.equal(o.spec.foo, undefined);
    assert.deepEqual(warnCtx.warnings, ['unknown field "spec.foo"']);
    const strict = ksvc('b');
    strict.spec.foo = 1;
    let e = statusOf(() => r.create(svc, 'default', strict, { ...ctx, fieldValidation: 'Strict' }));
    assert.equal(e.code, 400);
    assert.equal(
      e.status.message,
      'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.foo"',
    );
    const typed = ksvc('c');
    typed.spec.traffic[0].percent = '50';
    e = statusOf(() => r.create(svc, 'default', typed, ctx));
    assert.equal(e.code, 422);
    assert.equal(e.status.reason, 'Invalid');
    assert.match(
      e.status.message!,
      /spec\.traffic\[0\]\.percent: Invalid value: "string": spec\.traffic\[0\]\.percent in body must be of type integer/,
    );
  });

  test('admission runs mutate, then schema, then validate; not on status', () => {
    const { r, svc } = setup();
    const calls: string[] = [];
    r.setAdmission(svc, {
      mutate: (obj) => {
        calls.push('mutate');
        obj.spec.traffic ??= [{ latestRevision: true, percent: 100 }];
        obj.spec.bogus = true;
      },
      validate: (obj) => {
        calls.push(`validate:${obj.spec.bogus === undefined}`);
        if (obj.metadata.name === 'deny')
          throw new StatusError({
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            code: 400,
            reason: 'BadRequest',
            message: 'no',
          });
      },
    });
    const o = r.create(svc, 'default', { ...ksvc('a'), spec: { template: ksvc('a').spec.template } }, ctx);
    assert.deepEqual(calls, ['mutate', 'validate:true']);
    assert.deepEqual(o.spec.traffic, [{ latestRevision: true, percent: 100 }]);
    assert.equal(statusOf(() => r.create(svc, 'default', ksvc('deny'), ctx)).code, 400);
    calls.length = 0;
    r.updateStatus(svc, 'default', { ...o, status: { url: 'u' } }, ctx);
    assert.deepEqual(calls, []);
  });
});

describe('registry: patches', () => {
  test('merge patch with and without an RV precondition', () => {
    const { r, svc } = setup();
    const o = r.create(svc, 'default', ksvc('a'), ctx);
    const p = r.patch(
      svc,
      'default',
      'a',
      'merge',
      { metadata: { labels: { a: '1' } }, spec: { traffic: [{ latestRevision: true, percent: 100, tag: 't' }] } },
      ctx,
    );
    assert.equal(p.object.metadata.labels!.a, '1');
    assert.equal(p.object.metadata.generation, 2);
    const e = statusOf(() =>
      r.patch(svc, 'default', 'a', 'merge', { metadata: { resourceVersion: o.metadata.resourceVersion } }, ctx),
    );
    assert.equal(e.code, 409);
    assert.equal(statusOf(() => r.patch(svc, 'default', 'zz', 'merge', {}, ctx)).code, 404);
  });

  test('json patch: ops, test failure 422, non-array 400, replace of RV is a precondition', () => {
    const { r, svc } = setup();
    const o = r.create(svc, 'default', ksvc('a'), ctx);
    const p = r.patch(
      svc,
      'default',
      'a',
      'json',
      [
        { op: 'test', path: '/spec/traffic/0/percent', value: 100 },
        { op: 'add', path: '/spec/traffic/-', value: { revisionName: 'a-00001', percent: 0, tag: 'blue' } },
        { op: 'add', path: '/metadata/labels', value: { 'a/b': 'c' } },
      ],
      ctx,
    );
    assert.equal(p.object.spec.traffic.length, 2);
    assert.equal(p.object.metadata.labels!['a/b'], 'c');
    let e = statusOf(() =>
      r.patch(svc, 'default', 'a', 'json', [{ op: 'test', path: '/spec/traffic/0/percent', value: 5 }], ctx),
    );
    assert.equal(e.code, 422);
    assert.equal(e.status.message, 'the server rejected our request due to an error in our request');
    assert.equal(e.status.details, undefined);
    e = statusOf(() => r.patch(svc, 'default', 'a', 'json', { op: 'add' }, ctx));
    assert.equal(e.code, 400);
    assert.equal(
      e.status.message,
      'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp',
    );
    e = statusOf(() => r.patch(svc, 'default', 'a', 'json', { op: 'add' }, { ...ctx, fieldValidation: 'Ignore' }));
    assert.equal(e.status.message, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    e = statusOf(() =>
      r.patch(
        svc,
        'default',
        'a',
        'json',
        [{ op: 'replace', path: '/metadata/resourceVersion', value: o.metadata.resourceVersion }],
        ctx,
      ),
    );
    assert.equal(e.code, 409);
    assert.equal(e.status.reason, 'Conflict');
  });

  test('strategic: 415 for CRs, merges for namespaces', () => {
    const { r, svc, ns } = setup();
    r.create(svc, 'default', ksvc('a'), ctx);
    const e = statusOf(() => r.patch(svc, 'default', 'a', 'strategic', { spec: {} }, ctx));
    assert.equal(e.code, 415);
    assert.equal(
      e.status.message,
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
    const n = r.patch(ns, undefined, 'default', 'strategic', { metadata: { labels: { team: 'x' } } }, ctx);
    assert.equal(n.object.metadata.labels!.team, 'x');
    assert.equal(n.object.metadata.labels!['kubernetes.io/metadata.name'], 'default');
  });

  test('apply: creates, requires fieldManager, conflicts with other managers, force takes over', () => {
    const { r, svc } = setup();
    let e = statusOf(() => r.patch(svc, 'default', 'a', 'apply', ksvc('a'), { user: 'u' }));
    assert.equal(e.code, 422);
    assert.equal(
      e.status.message,
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
    const created = r.patch(svc, 'default', 'a', 'apply', ksvc('a'), { user: 'u', fieldManager: 'alice' });
    assert.equal(created.created, true);
    assert.equal((created.object.metadata.managedFields as any[])[0].manager, 'alice');
    assert.equal((created.object.metadata.managedFields as any[])[0].operation, 'Apply');
    // Another manager changes traffic with a merge patch and so takes ownership of it.
    r.patch(
      svc,
      'default',
      'a',
      'merge',
      { spec: { traffic: [{ latestRevision: true, percent: 100, tag: 'x' }] } },
      { user: 'u', fieldManager: 'bob' },
    );
    e = statusOf(() => r.patch(svc, 'default', 'a', 'apply', ksvc('a'), { user: 'u', fieldManager: 'alice' }));
    assert.equal(e.code, 409);
    assert.equal(
      e.status.message,
      'Apply failed with 1 conflict: conflict with "bob" using serving.knative.dev/v1: .spec.traffic',
    );
    assert.deepEqual(e.status.details?.causes, [
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "bob" using serving.knative.dev/v1',
        field: '.spec.traffic',
      },
    ]);
    const forced = r.patch(svc, 'default', 'a', 'apply', ksvc('a'), { user: 'u', fieldManager: 'alice', force: true });
    assert.deepEqual(forced.object.spec.traffic, [{ latestRevision: true, percent: 100 }]);
    // Applying the same value as the other owner is not a conflict.
    r.patch(svc, 'default', 'a', 'merge', { metadata: { labels: { k: 'v' } } }, { user: 'u', fieldManager: 'bob' });
    const withLabel = ksvc('a');
    withLabel.metadata.labels = { k: 'v' };
    assert.equal(
      r.patch(svc, 'default', 'a', 'apply', withLabel, { user: 'u', fieldManager: 'alice' }).object.metadata.labels!.k,
      'v',
    );
    e = statusOf(() => r.patch(svc, 'default', 'a', 'merge', {}, { user: 'u', force: false }));
    assert.equal(
      e.status.message,
      'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    );
  });

  test('dryRun writes nothing and emits nothing', () => {
    const { r, svc } = setup();
    const events: ChangeEvent[] = [];
    r.onChange((ev) => events.push(ev));
    const rv = r.currentResourceVersion();
    const d = r.create(svc, 'default', ksvc('a'), { ...ctx, dryRun: true });
    assert.ok(d.metadata.uid);
    assert.equal(d.metadata.resourceVersion, undefined);
    assert.equal(r.tryGet(svc, 'default', 'a'), undefined);
    assert.equal(r.currentResourceVersion(), rv);
    assert.equal(events.length, 0);
  });
});

describe('registry: delete, finalizers, GC, namespaces', () => {
  test('delete returns Success; preconditions conflict', () => {
    const { r, svc } = setup();
    const o = r.create(svc, 'default', ksvc('a'), ctx);
    const e = statusOf(() => r.delete(svc, 'default', 'a', { ...ctx, preconditions: { resourceVersion: '1' } }));
    assert.equal(e.code, 409);
    assert.equal(
      e.status.message,
      `Operation cannot be fulfilled on services.serving.knative.dev "a": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${o.metadata.resourceVersion}). The object might have been modified`,
    );
    const d = r.delete(svc, 'default', 'a', ctx);
    assert.deepEqual(d.status, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'a', group: 'serving.knative.dev', kind: 'services', uid: o.metadata.uid },
    });
    assert.equal(r.tryGet(svc, 'default', 'a'), undefined);
  });

  test('finalizers hold the object until the last one is removed', () => {
    const { r, svc } = setup();
    r.create(svc, 'default', { ...ksvc('a'), metadata: { name: 'a', finalizers: ['x'] } }, ctx);
    const d = r.delete(svc, 'default', 'a', ctx);
    assert.ok(d.object.metadata.deletionTimestamp);
    assert.equal(d.object.metadata.generation, 2);
    assert.equal(d.status, undefined);
    const cur = r.get(svc, 'default', 'a');
    r.update(svc, 'default', { ...cur, metadata: { ...cur.metadata, finalizers: [] } }, ctx);
    assert.equal(r.tryGet(svc, 'default', 'a'), undefined);
  });

  test('ownerReference cascade deletes dependents recursively with DELETED events', async () => {
    const { r, svc, rev, clock } = setup();
    const owner = r.create(svc, 'default', ksvc('a'), ctx);
    const cfgDef = r.resource('configurations', 'serving.knative.dev')!;
    const cfg = r.create(
      cfgDef,
      'default',
      {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Configuration',
        metadata: {
          name: 'a',
          ownerReferences: [
            {
              apiVersion: 'serving.knative.dev/v1',
              kind: 'Service',
              name: 'a',
              uid: owner.metadata.uid!,
              controller: true,
            },
          ],
        },
        spec: {},
      },
      ctx,
    );
    r.create(
      rev,
      'default',
      {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Revision',
        metadata: {
          name: 'a-00001',
          ownerReferences: [
            {
              apiVersion: 'serving.knative.dev/v1',
              kind: 'Configuration',
              name: 'a',
              uid: cfg.metadata.uid!,
              controller: true,
            },
          ],
        },
        spec: { containers: [{ image: 'x' }] },
      },
      ctx,
    );
    const deleted: string[] = [];
    r.onChange((ev) => ev.type === 'DELETED' && deleted.push(`${ev.resource.plural}/${ev.object.metadata.name}`));
    r.delete(svc, 'default', 'a', { ...ctx, propagationPolicy: 'Background' });
    clock.runUntil(() => deleted.length >= 3, 'three deletions');
    assert.deepEqual(deleted, ['services/a', 'configurations/a', 'revisions/a-00001']);
  });

  test('propagationPolicy Foreground: the owner waits, deleting, until its blocking dependents are gone', async () => {
    const { r, svc, rev, clock } = setup();
    const owner = r.create(svc, 'default', ksvc('fg'), ctx);
    const cfgDef = r.resource('configurations', 'serving.knative.dev')!;
    const ref = (kind: string, name: string, uid: string) => [
      { apiVersion: 'serving.knative.dev/v1', kind, name, uid, controller: true, blockOwnerDeletion: true },
    ];
    // The Configuration carries a finalizer of its own (as a Route does), so it goes only when released.
    const cfg = r.create(
      cfgDef,
      'default',
      {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Configuration',
        metadata: { name: 'fg', finalizers: ['hold'], ownerReferences: ref('Service', 'fg', owner.metadata.uid!) },
        spec: {},
      },
      ctx,
    );
    r.create(
      rev,
      'default',
      {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Revision',
        metadata: { name: 'fg-00001', ownerReferences: ref('Configuration', 'fg', cfg.metadata.uid!) },
        spec: { containers: [{ image: 'x' }] },
      },
      ctx,
    );
    const deleted: string[] = [];
    r.onChange((ev) => ev.type === 'DELETED' && deleted.push(`${ev.resource.plural}/${ev.object.metadata.name}`));
    const d = r.delete(svc, 'default', 'fg', { ...ctx, propagationPolicy: 'Foreground' });
    assert.equal(d.status, undefined);
    assert.ok(d.object.metadata.deletionTimestamp);
    assert.deepEqual(d.object.metadata.finalizers, ['foregroundDeletion']);
    // The Configuration is deleted in the foreground too: its revision goes first, then it waits for 'hold'.
    clock.runUntil(
      () => deleted.includes('revisions/fg-00001') && r.tryGet(cfgDef, 'default', 'fg')?.metadata.deletionTimestamp,
      'the revision to go and the configuration to be deleting',
    );
    assert.ok(r.tryGet(svc, 'default', 'fg'), 'the owner stays while a blocking dependent exists');
    const held = r.get(cfgDef, 'default', 'fg');
    assert.deepEqual(held.metadata.finalizers, ['hold']);
    r.update(cfgDef, 'default', { ...held, metadata: { ...held.metadata, finalizers: [] } }, ctx);
    clock.runUntil(() => !r.tryGet(svc, 'default', 'fg'), 'the owner to go');
    assert.deepEqual(deleted, ['revisions/fg-00001', 'configurations/fg', 'services/fg']);
    r.close();
  });

  test('Foreground without dependents: the apiserver still adds foregroundDeletion, and the GC takes it off', () => {
    const { r, svc, clock } = setup();
    r.create(svc, 'default', ksvc('lone'), ctx);
    const d = r.delete(svc, 'default', 'lone', { ...ctx, propagationPolicy: 'Foreground' });
    assert.equal(d.status, undefined, 'the answer is the object, deleting, not a Status');
    assert.ok(d.object.metadata.deletionTimestamp);
    assert.deepEqual(d.object.metadata.finalizers, ['foregroundDeletion']);
    assert.ok(r.tryGet(svc, 'default', 'lone'));
    clock.runUntil(() => !r.tryGet(svc, 'default', 'lone'), 'the GC to release it');

    // The finalizer on the object picks foreground when the delete names no policy; it is not doubled.
    r.create(svc, 'default', ksvc('marked', { metadata: { name: 'marked', finalizers: ['foregroundDeletion'] } }), ctx);
    const m = r.delete(svc, 'default', 'marked', ctx);
    assert.deepEqual(m.object.metadata.finalizers, ['foregroundDeletion']);
    assert.ok(m.object.metadata.deletionTimestamp);
    clock.runUntil(() => !r.tryGet(svc, 'default', 'marked'), 'the GC to release it');
    r.close();
  });

  test('propagationPolicy Orphan: the owner holds the orphan finalizer while the GC takes only its own reference off each dependent', async () => {
    const { r, svc, rev, clock } = setup();
    const owner = r.create(svc, 'default', ksvc('own'), ctx);
    const other = r.create(svc, 'default', ksvc('other'), ctx);
    const cfgDef = r.resource('configurations', 'serving.knative.dev')!;
    const ref = (kind: string, name: string, uid: string, controller: boolean) => ({
      apiVersion: 'serving.knative.dev/v1',
      kind,
      name,
      uid,
      controller,
      blockOwnerDeletion: true,
    });
    const cfg = r.create(
      cfgDef,
      'default',
      {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Configuration',
        metadata: { name: 'own', ownerReferences: [ref('Service', 'own', owner.metadata.uid!, true)] },
        spec: {},
      },
      ctx,
    );
    r.create(
      cfgDef,
      'default',
      {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Configuration',
        metadata: {
          name: 'shared',
          ownerReferences: [
            ref('Service', 'other', other.metadata.uid!, false),
            ref('Service', 'own', owner.metadata.uid!, true),
          ],
        },
        spec: {},
      },
      ctx,
    );
    r.create(
      rev,
      'default',
      {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Revision',
        metadata: { name: 'own-00001', ownerReferences: [ref('Configuration', 'own', cfg.metadata.uid!, true)] },
        spec: { containers: [{ image: 'x' }] },
      },
      ctx,
    );
    const d = r.delete(svc, 'default', 'own', { ...ctx, propagationPolicy: 'Orphan' });
    assert.equal(d.status, undefined, 'a delete that waits on a finalizer answers with the object');
    assert.deepEqual(d.object.metadata.finalizers, ['orphan']);
    assert.ok(d.object.metadata.deletionTimestamp);
    clock.runUntil(() => !r.tryGet(svc, 'default', 'own'), 'the owner to go once its dependents are released');
    assert.equal(r.get(cfgDef, 'default', 'own').metadata.ownerReferences, undefined);
    assert.deepEqual(r.get(cfgDef, 'default', 'shared').metadata.ownerReferences, [
      ref('Service', 'other', other.metadata.uid!, false),
    ]);
    assert.deepEqual(r.get(rev, 'default', 'own-00001').metadata.ownerReferences, [
      ref('Configuration', 'own', cfg.metadata.uid!, true),
    ]);
  });

  test('an orphan finalizer set on the object makes a delete without a policy orphan; an explicit policy overrides it', async () => {
    const { r, svc, clock } = setup();
    const cfgDef = r.resource('configurations', 'serving.knative.dev')!;
    for (const [name, policy] of [
      ['keep', undefined],
      ['drop', 'Background'],
    ] as const) {
      const owner = r.create(svc, 'default', { ...ksvc(name), metadata: { name, finalizers: ['orphan'] } }, ctx);
      r.create(
        cfgDef,
        'default',
        {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Configuration',
          metadata: {
            name,
            ownerReferences: [
              { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name, uid: owner.metadata.uid! },
            ],
          },
          spec: {},
        },
        ctx,
      );
      r.delete(svc, 'default', name, { ...ctx, propagationPolicy: policy });
    }
    // Background takes the orphan finalizer off: the owner goes at once and its dependent with it.
    assert.equal(r.tryGet(svc, 'default', 'drop'), undefined);
    clock.runUntil(
      () => !r.tryGet(svc, 'default', 'keep') && !r.tryGet(cfgDef, 'default', 'drop'),
      'the orphaning owner and the cascaded dependent to go',
    );
    assert.equal(r.get(cfgDef, 'default', 'keep').metadata.ownerReferences, undefined);
  });

  test('background GC: a dependent with another live owner keeps that owner and loses only the deleted one', async () => {
    const { r, svc, clock } = setup();
    const a = r.create(svc, 'default', ksvc('a'), ctx);
    const b = r.create(svc, 'default', ksvc('b'), ctx);
    const cfgDef = r.resource('configurations', 'serving.knative.dev')!;
    const ref = (name: string, uid: string) => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', name, uid });
    r.create(
      cfgDef,
      'default',
      {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Configuration',
        metadata: { name: 'ab', ownerReferences: [ref('a', a.metadata.uid!), ref('b', b.metadata.uid!)] },
        spec: {},
      },
      ctx,
    );
    r.delete(svc, 'default', 'a', { ...ctx, propagationPolicy: 'Background' });
    clock.runUntil(
      () => r.tryGet(cfgDef, 'default', 'ab')?.metadata.ownerReferences?.length === 1,
      'the dangling reference to go',
    );
    assert.deepEqual(r.get(cfgDef, 'default', 'ab').metadata.ownerReferences, [ref('b', b.metadata.uid!)]);
  });

  test('foreground GC: a dependent with another live owner is kept and loses only the reference to the deleted owner', async () => {
    const { r, svc, clock } = setup();
    const a = r.create(svc, 'default', ksvc('fa'), ctx);
    const b = r.create(svc, 'default', ksvc('fb'), ctx);
    const cfgDef = r.resource('configurations', 'serving.knative.dev')!;
    const ref = (name: string, uid: string) => ({
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      name,
      uid,
      blockOwnerDeletion: true,
    });
    const shared = (name: string) => ({
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Configuration',
      metadata: { name, ownerReferences: [ref('fa', a.metadata.uid!), ref('fb', b.metadata.uid!)] },
      spec: {},
    });
    r.create(cfgDef, 'default', shared('shared'), ctx);
    r.delete(svc, 'default', 'fa', { ...ctx, propagationPolicy: 'Foreground' });
    clock.runUntil(() => !r.tryGet(svc, 'default', 'fa'), 'the foreground owner to go');
    const kept = r.get(cfgDef, 'default', 'shared');
    assert.equal(kept.metadata.deletionTimestamp, undefined, 'the dependent is not deleted');
    assert.deepEqual(kept.metadata.ownerReferences, [ref('fb', b.metadata.uid!)]);

    // An owner that is itself waiting on its dependents (foreground) is no reason to keep one.
    const c = r.create(svc, 'default', ksvc('fc'), ctx);
    const both = {
      ...shared('both'),
      metadata: { name: 'both', ownerReferences: [ref('fb', b.metadata.uid!), ref('fc', c.metadata.uid!)] },
    };
    r.create(cfgDef, 'default', both, ctx);
    r.delete(svc, 'default', 'fb', { ...ctx, propagationPolicy: 'Foreground' });
    r.delete(svc, 'default', 'fc', { ...ctx, propagationPolicy: 'Foreground' });
    clock.runUntil(
      () => !r.tryGet(cfgDef, 'default', 'both') && !r.tryGet(svc, 'default', 'fb') && !r.tryGet(svc, 'default', 'fc'),
      'both owners and their shared dependent to go',
    );
    // 'shared' had only fb left as owner: it goes with fb.
    assert.equal(r.tryGet(cfgDef, 'default', 'shared'), undefined);
    r.close();
  });

  test('namespaces: undeletable system ones; deletion terminates, empties, then removes', async () => {
    const { r, ns, svc, clock } = setup();
    const e = statusOf(() => r.delete(ns, undefined, 'default', ctx));
    assert.equal(e.code, 403);
    assert.equal(e.status.message, 'namespaces "default" is forbidden: this namespace may not be deleted');
    r.create(ns, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tmp' } }, ctx);
    r.create(svc, 'tmp', ksvc('a'), ctx);
    const d = r.delete(ns, undefined, 'tmp', ctx);
    assert.equal(d.object.status.phase, 'Terminating');
    const t = statusOf(() => r.create(svc, 'tmp', ksvc('b'), ctx));
    assert.equal(t.code, 403);
    assert.equal(
      t.status.message,
      'services.serving.knative.dev "b" is forbidden: unable to create new content in namespace tmp because it is being terminated',
    );
    clock.runUntil(() => !r.tryGet(ns, undefined, 'tmp'), 'namespace tmp to go');
    assert.equal(r.tryGet(ns, undefined, 'tmp'), undefined);
    assert.equal(r.tryGet(svc, 'tmp', 'a'), undefined);
    r.close();
  });
});

describe('registry: list and watch', () => {
  test('selectors and exact selector errors', () => {
    const { r, svc } = setup();
    r.create(svc, 'default', { ...ksvc('a'), metadata: { name: 'a', labels: { app: 'x', tier: 'web' } } }, ctx);
    r.create(svc, 'default', { ...ksvc('b'), metadata: { name: 'b', labels: { app: 'y' } } }, ctx);
    r.create(svc, 'default', ksvc('c'), ctx);
    const names = (sel: { labelSelector?: string; fieldSelector?: string }) =>
      r.list(svc, 'default', sel).items.map((i) => i.metadata.name);
    assert.deepEqual(names({ labelSelector: 'app=x' }), ['a']);
    assert.deepEqual(names({ labelSelector: 'app==y' }), ['b']);
    assert.deepEqual(names({ labelSelector: 'app!=x' }), ['b', 'c']);
    assert.deepEqual(names({ labelSelector: 'app in (x, y)' }), ['a', 'b']);
    assert.deepEqual(names({ labelSelector: 'app notin (x)' }), ['b', 'c']);
    assert.deepEqual(names({ labelSelector: 'tier' }), ['a']);
    assert.deepEqual(names({ labelSelector: '!app' }), ['c']);
    assert.deepEqual(names({ labelSelector: 'app,tier=web' }), ['a']);
    assert.deepEqual(names({ fieldSelector: 'metadata.name=b' }), ['b']);
    assert.deepEqual(names({ fieldSelector: 'metadata.name!=b,metadata.namespace=default' }), ['a', 'c']);
    let e = statusOf(() => names({ fieldSelector: 'spec.x=1' }));
    assert.equal(e.code, 400);
    assert.equal(e.status.message, 'field label not supported: spec.x');
    e = statusOf(() => names({ fieldSelector: 'garbage' }));
    assert.equal(e.status.message, "invalid selector: 'garbage'; can't understand 'garbage'");
    assert.deepEqual(r.list(svc, 'nowhere').items, []);
  });

  test('pagination is a consistent snapshot with remainingItemCount; old tokens get 410', () => {
    const { r, svc } = setup({ historyLimit: 20 });
    for (let i = 0; i < 10; i++) r.create(svc, 'default', ksvc(`s${i}`), ctx);
    const p1 = r.list(svc, 'default', { limit: 4 });
    assert.deepEqual(
      p1.items.map((i) => i.metadata.name),
      ['s0', 's1', 's2', 's3'],
    );
    assert.equal(p1.remainingItemCount, 6);
    // Changes after the first page are not seen by later pages.
    r.delete(svc, 'default', 's5', ctx);
    r.create(svc, 'default', ksvc('s45'), ctx);
    const p2 = r.list(svc, 'default', { limit: 4, continue: p1.continue });
    assert.deepEqual(
      p2.items.map((i) => i.metadata.name),
      ['s4', 's5', 's6', 's7'],
    );
    assert.equal(p2.resourceVersion, p1.resourceVersion);
    const p3 = r.list(svc, 'default', { limit: 4, continue: p2.continue });
    assert.deepEqual(
      p3.items.map((i) => i.metadata.name),
      ['s8', 's9'],
    );
    assert.equal(p3.continue, undefined);
    for (let i = 0; i < 25; i++) r.create(svc, 'default', ksvc(`t${i}`), ctx);
    const e = statusOf(() => r.list(svc, 'default', { limit: 4, continue: p2.continue }));
    assert.equal(e.code, 410);
    assert.equal(e.status.reason, 'Expired');
    assert.equal(statusOf(() => r.list(svc, 'default', { continue: 'junk' })).code, 400);
  });

  test('watch: initial ADDED, resume from RV, selector transitions, 410 when too old', () => {
    const { r, svc } = setup({ historyLimit: 5 });
    r.create(svc, 'default', { ...ksvc('a'), metadata: { name: 'a', labels: { app: 'x' } } }, ctx);
    const seen: WatchEvent[] = [];
    const stop = r.watch(svc, 'default', { labelSelector: 'app=x' }, (ev) => seen.push(ev));
    assert.deepEqual(
      seen.map((e) => e.type),
      ['ADDED'],
    );
    const rvAfterAdd = r.currentResourceVersion();
    r.patch(svc, 'default', 'a', 'merge', { metadata: { labels: { app: 'z' } } }, ctx);
    r.patch(svc, 'default', 'a', 'merge', { metadata: { labels: { app: 'x' } } }, ctx);
    r.delete(svc, 'default', 'a', ctx);
    stop();
    assert.deepEqual(
      seen.map((e) => e.type),
      ['ADDED', 'DELETED', 'ADDED', 'DELETED'],
    );
    assert.equal((seen[1].object as KObject).metadata.labels!.app, 'x');
    assert.equal((seen[1].object as KObject).metadata.resourceVersion, String(rvAfterAdd + 1));
    const resumed: WatchEvent[] = [];
    r.watch(svc, 'default', { resourceVersion: String(rvAfterAdd) }, (ev) => resumed.push(ev))();
    assert.deepEqual(
      resumed.map((e) => e.type),
      ['MODIFIED', 'MODIFIED', 'DELETED'],
    );
    for (let i = 0; i < 10; i++) r.create(svc, 'default', ksvc(`n${i}`), ctx);
    const old: WatchEvent[] = [];
    r.watch(svc, 'default', { resourceVersion: '2' }, (ev) => old.push(ev));
    assert.equal(old.length, 1);
    assert.equal(old[0].type, 'ERROR');
    assert.equal((old[0].object as any).code, 410);
    assert.equal((old[0].object as any).reason, 'Expired');
    assert.match((old[0].object as any).message, /^too old resource version: 2 \(\d+\)$/);
    assert.equal(statusOf(() => r.watch(svc, 'default', { resourceVersion: 'abc' }, () => {})).code, 422);
  });

  test('bookmarks arrive when allowed', async () => {
    const r = createRegistry({ bookmarkIntervalMs: 5 });
    const svc = r.resource('services', 'serving.knative.dev')!;
    const seen: WatchEvent[] = [];
    const stop = r.watch(svc, 'default', { allowWatchBookmarks: true }, (ev) => seen.push(ev));
    await until(() => seen.length > 0, 'a bookmark');
    stop();
    assert.equal(seen[0].type, 'BOOKMARK');
    assert.equal((seen[0].object as KObject).metadata.resourceVersion, String(r.currentResourceVersion()));
  });

  test('listeners that write get events in commit order', () => {
    const { r, svc } = setup();
    const order: string[] = [];
    r.onChange((ev) => {
      order.push(`${ev.type}:${ev.object.metadata.name}:${ev.resourceVersion}`);
      if (ev.type === 'ADDED' && ev.object.metadata.name === 'a') r.create(svc, 'default', ksvc('b'), ctx);
    });
    r.create(svc, 'default', ksvc('a'), ctx);
    assert.deepEqual(
      order.map((s) => s.split(':').slice(0, 2).join(':')),
      ['ADDED:a', 'ADDED:b'],
    );
  });
});
