// Field ownership as kube-apiserver records it (structured-merge-diff): shared ownership of equal
// values, conflicts only on a changed value, ownership from the object as sent (before admission),
// and the bridge between kubectl's client-side and server-side apply.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRegistry } from '../../../src/sim/api/registry.js';
import { StatusError, type KObject } from '../../../src/sim/api/contracts.js';
import { createKubectl, requireKubectl, type Kubectl } from '../../helpers/kubectl.js';
import { usePlayground } from '../../helpers/playground.js';
import { ManualClock } from '../clock.js';
import { tempDir } from '../../helpers/temp-dir.js';

type Fields = Record<string, unknown>;

function setup() {
  const r = createRegistry({ clock: new ManualClock() });
  const ns = r.resource('namespaces', '')!;
  const svc = r.resource('services', 'serving.knative.dev')!;
  r.create(ns, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, { user: 'u' });
  return { r, svc };
}

function ksvc(labels: Record<string, string>, image = 'img:v1'): KObject {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: 'a', labels },
    spec: { template: { spec: { containers: [{ image }] } } },
  };
}

function fieldsOf(o: KObject, manager: string): Fields | undefined {
  const entries = (o.metadata.managedFields ?? []) as Array<{ manager: string; fieldsV1: Fields }>;
  return entries.find((e) => e.manager === manager)?.fieldsV1;
}

const labelsOwned = (o: KObject, manager: string): string[] =>
  Object.keys(((fieldsOf(o, manager)?.['f:metadata'] as Fields)?.['f:labels'] as Fields) ?? {}).sort();

describe('managed fields (server-side apply)', () => {
  test('an apply with the value another manager owns shares the field; force moves only the conflicting leaves', () => {
    const { r, svc } = setup();
    r.create(svc, 'default', ksvc({ k: 'v', other: 'o' }), { user: 'u', fieldManager: 'bob' });
    const shared = r.patch(svc, 'default', 'a', 'apply', ksvc({ k: 'v' }), { user: 'u', fieldManager: 'alice' });
    // The creating update owns the labels map itself ('.'); an applier owns only what it sent.
    assert.deepEqual(labelsOwned(shared.object, 'bob'), ['.', 'f:k', 'f:other']);
    assert.deepEqual(labelsOwned(shared.object, 'alice'), ['f:k']);
    assert.ok((fieldsOf(shared.object, 'bob')?.['f:spec'] as Fields)?.['f:template'], 'bob still owns the template');

    let err: unknown;
    try {
      r.patch(svc, 'default', 'a', 'apply', ksvc({ k: 'w' }), { user: 'u', fieldManager: 'alice' });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof StatusError);
    assert.equal(
      err.status.message,
      'Apply failed with 1 conflict: conflict with "bob" using serving.knative.dev/v1: .metadata.labels.k',
    );

    const forced = r.patch(svc, 'default', 'a', 'apply', ksvc({ k: 'w' }), {
      user: 'u',
      fieldManager: 'alice',
      force: true,
    });
    assert.equal(forced.object.metadata.labels!.k, 'w');
    assert.deepEqual(labelsOwned(forced.object, 'bob'), ['.', 'f:other']);
    assert.deepEqual(labelsOwned(forced.object, 'alice'), ['f:k']);
    assert.ok(
      (fieldsOf(forced.object, 'bob')?.['f:spec'] as Fields)?.['f:template'],
      'the unchanged template stays shared',
    );
  });

  test('what admission adds belongs to nobody: create, merge patch and update record the object as sent', () => {
    const { r, svc } = setup();
    r.setAdmission(svc, {
      mutate(o) {
        o.metadata.labels = { ...(o.metadata.labels ?? {}), stamped: 'yes' };
        o.metadata.annotations = { ...(o.metadata.annotations ?? {}), 'example.dev/by': 'webhook' };
      },
    });
    const created = r.create(svc, 'default', ksvc({ k: 'v' }), { user: 'u', fieldManager: 'bob' });
    assert.equal(created.metadata.labels!.stamped, 'yes');
    assert.deepEqual(labelsOwned(created, 'bob'), ['.', 'f:k']);
    assert.equal((fieldsOf(created, 'bob')?.['f:metadata'] as Fields)['f:annotations'], undefined);

    const patched = r.patch(
      svc,
      'default',
      'a',
      'merge',
      { metadata: { labels: { team: 't', stamped: null } } },
      {
        user: 'u',
        fieldManager: 'carol',
      },
    );
    // carol removed the label; the webhook put it back, and it belongs to nobody.
    assert.equal(patched.object.metadata.labels!.stamped, 'yes');
    assert.deepEqual(labelsOwned(patched.object, 'carol'), ['f:team']);

    const next = structuredClone(patched.object);
    next.spec.template.spec.containers[0].image = 'img:v2';
    const updated = r.update(svc, 'default', next, { user: 'u', fieldManager: 'dave' });
    assert.deepEqual(fieldsOf(updated, 'dave'), { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': {} } } } });
    for (const m of ['bob', 'carol']) assert.ok(!labelsOwned(updated, m).includes('f:stamped'));
  });

  test('a dry-run create answers with the managedFields the real create stores', () => {
    const { r, svc } = setup();
    const dry = r.create(svc, 'default', ksvc({ k: 'v' }), { user: 'u', fieldManager: 'bob', dryRun: true });
    assert.equal(r.tryGet(svc, 'default', 'a'), undefined, 'nothing stored');
    const real = r.create(svc, 'default', ksvc({ k: 'v' }), { user: 'u', fieldManager: 'bob' });
    assert.ok(dry.metadata.managedFields, 'the dry run has managedFields');
    assert.deepEqual(dry.metadata.managedFields, real.metadata.managedFields);
    const edited = structuredClone(real);
    edited.metadata.labels = { k: 'v', team: 't' };
    const dryUpdate = r.update(svc, 'default', edited, { user: 'u', fieldManager: 'carol', dryRun: true });
    assert.deepEqual(labelsOwned(dryUpdate, 'carol'), ['f:team']);
    assert.equal(fieldsOf(r.get(svc, 'default', 'a'), 'carol'), undefined, 'nothing stored');
  });

  test("an update owns the objects it adds ('.'), as structured-merge-diff's Compare reports them", () => {
    const clock = new ManualClock();
    const r = createRegistry({ clock });
    const ns = r.resource('namespaces', '')!;
    const svc = r.resource('services', 'serving.knative.dev')!;
    const createdNs = r.create(
      ns,
      undefined,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
      {
        user: 'u',
        fieldManager: 'kubectl-create',
      },
    );
    // A built-in kind is compared with Go's zero struct; the defaulted label is the creator's.
    assert.equal(
      JSON.stringify(fieldsOf(createdNs, 'kubectl-create')),
      '{"f:metadata":{"f:labels":{".":{},"f:kubernetes.io/metadata.name":{}}}}',
    );
    // A custom resource is compared with an empty object: spec and every map under it are added.
    const created = r.create(svc, 'default', ksvc({ k: 'v' }), { user: 'u', fieldManager: 'bob' });
    assert.equal(
      JSON.stringify(fieldsOf(created, 'bob')),
      '{"f:metadata":{"f:labels":{".":{},"f:k":{}}},"f:spec":{".":{},"f:template":{".":{},"f:spec":{".":{},"f:containers":{}}}}}',
    );
    const withAnnotation = structuredClone(created);
    withAnnotation.metadata.annotations = { ...withAnnotation.metadata.annotations, x: '1' };
    const annotated = r.update(svc, 'default', withAnnotation, { user: 'u', fieldManager: 'dave' });
    assert.equal(created.metadata.annotations, undefined, 'no webhook here: the map is new');
    assert.equal(JSON.stringify(fieldsOf(annotated, 'dave')), '{"f:metadata":{"f:annotations":{".":{},"f:x":{}}}}');
    // A key added to a map that exists is the key alone.
    const more = structuredClone(annotated);
    more.metadata.annotations!.y = '2';
    const second = r.update(svc, 'default', more, { user: 'u', fieldManager: 'eve' });
    assert.equal(JSON.stringify(fieldsOf(second, 'eve')), '{"f:metadata":{"f:annotations":{"f:y":{}}}}');
    // Removing only: dave keeps the map he added, loses the key, and his entry's time stays.
    const daveTime = (e: KObject) =>
      (e.metadata.managedFields as Array<{ manager: string; time: string }>).find((m) => m.manager === 'dave')!.time;
    const before = daveTime(second);
    clock.advance(5_000);
    const fewer = structuredClone(second);
    delete fewer.metadata.annotations!.x;
    const removed = r.update(svc, 'default', fewer, { user: 'u', fieldManager: 'dave' });
    assert.equal(JSON.stringify(fieldsOf(removed, 'dave')), '{"f:metadata":{"f:annotations":{}}}');
    assert.equal(daveTime(removed), before);
    // A status the object did not have is added whole, on the status subresource's own entry.
    const withStatus = structuredClone(removed);
    withStatus.status = { observedGeneration: 1 };
    const statused = r.updateStatus(svc, 'default', withStatus, { user: 'u', fieldManager: 'controller' });
    const entry = (statused.metadata.managedFields as Array<{ manager: string; subresource?: string }>).find(
      (m) => m.manager === 'controller',
    );
    assert.equal(entry?.subresource, 'status');
    assert.equal(JSON.stringify(fieldsOf(statused, 'controller')), '{"f:status":{".":{},"f:observedGeneration":{}}}');
    // generateName is the client's (only name, uid, … are stripped).
    const generated = ksvc({});
    delete (generated.metadata as { name?: string }).name;
    generated.metadata.generateName = 'gen-';
    delete generated.metadata.labels;
    const g = r.create(svc, 'default', generated, { user: 'u', fieldManager: 'bob' });
    assert.deepEqual(Object.keys(fieldsOf(g, 'bob')!['f:metadata'] as Fields), ['f:generateName']);
  });

  test('manager "kubectl": fields the last-applied annotation still matches are taken without force, and the annotation follows', () => {
    const { r, svc } = setup();
    const LAST = 'kubectl.kubernetes.io/last-applied-configuration';
    const first = ksvc({ k: 'v', env: 'dev' });
    first.metadata.annotations = {
      [LAST]: JSON.stringify(ksvc({ k: 'v', env: 'dev' })),
    };
    r.create(svc, 'default', first, { user: 'u', fieldManager: 'kubectl-client-side-apply' });
    // Someone else has changed env since the last client-side apply: that conflict stays.
    r.patch(
      svc,
      'default',
      'a',
      'merge',
      { metadata: { labels: { env: 'prod' } } },
      { user: 'u', fieldManager: 'ops' },
    );

    const config = ksvc({ k: 'w', env: 'test' }, 'img:v<2>');
    let err: unknown;
    try {
      r.patch(svc, 'default', 'a', 'apply', config, { user: 'u', fieldManager: 'kubectl' });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof StatusError);
    assert.equal(
      err.status.message,
      'Apply failed with 1 conflict: conflict with "ops" using serving.knative.dev/v1: .metadata.labels.env',
    );

    const { object } = r.patch(svc, 'default', 'a', 'apply', ksvc({ k: 'w' }, 'img:v<2>'), {
      user: 'u',
      fieldManager: 'kubectl',
    });
    assert.equal(object.metadata.labels!.k, 'w');
    assert.deepEqual(labelsOwned(object, 'kubectl-client-side-apply'), []);
    assert.deepEqual(labelsOwned(object, 'ops'), ['f:env']);
    assert.deepEqual(labelsOwned(object, 'kubectl'), ['f:k']);
    assert.equal(
      object.metadata.annotations![LAST],
      '{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"labels":{"k":"w"},"name":"a"},' +
        '"spec":{"template":{"spec":{"containers":[{"image":"img:v\\u003c2\\u003e"}]}}}}\n',
    );
    // Any other manager name opts out of both.
    assert.throws(
      () => r.patch(svc, 'default', 'a', 'apply', ksvc({ k: 'x' }), { user: 'u', fieldManager: 'tool' }),
      (e: unknown) => e instanceof StatusError && e.code === 409,
    );
  });
});

describe('kubectl: client-side apply, then server-side apply', () => {
  const pg = usePlayground();
  let k: Kubectl | undefined;
  after(() => k?.dispose());

  const manifest = (labels: Record<string, string>, env: Array<{ name: string; value: string }>): string =>
    JSON.stringify({
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'mf', labels },
      spec: { template: { spec: { containers: [{ name: 'user-container', image: 'ghcr.io/bgctl/hello:v1', env }] } } },
    });

  async function live(): Promise<KObject> {
    const r = await k!.run(['get', 'ksvc', 'mf', '-o', 'json', '--show-managed-fields']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as KObject;
  }
  const lastApplied = (o: KObject): string =>
    o.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration'];

  test('the last-applied annotation follows each apply, and kubectl takes unchanged fields over without force', async (t) => {
    const bin = requireKubectl(t);
    if (!bin) return;
    k = createKubectl(bin, pg.current.kubeconfigPath);
    const file = join(tempDir('bgctl-mf-'), 'service.json');

    writeFileSync(
      file,
      manifest({ a: '1', b: '2' }, [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ]),
    );
    let r = await k.run(['apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    let o = await live();
    // Knative's defaults (traffic, timeoutSeconds, the creator annotation) are nobody's.
    const csa = fieldsOf(o, 'kubectl-client-side-apply')!;
    assert.deepEqual(Object.keys(csa['f:spec'] as Fields), ['.', 'f:template']);
    assert.deepEqual(Object.keys((csa['f:metadata'] as Fields)['f:annotations'] as Fields), [
      '.',
      'f:kubectl.kubernetes.io/last-applied-configuration',
    ]);

    writeFileSync(file, manifest({ a: '1', c: '3' }, [{ name: 'A', value: '1' }]));
    r = await k.run(['apply', '-f', file]);
    assert.equal(r.stdout.trim(), 'service.serving.knative.dev/mf configured', r.stderr);
    o = await live();
    assert.deepEqual(o.metadata.labels, { a: '1', c: '3' });
    assert.deepEqual(o.spec.template.spec.containers[0].env, [{ name: 'A', value: '1' }]);
    assert.equal(
      lastApplied(o),
      '{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"annotations":{},"labels":{"a":"1","c":"3"},' +
        '"name":"mf","namespace":"default"},"spec":{"template":{"spec":{"containers":[{"env":[{"name":"A","value":"1"}],' +
        '"image":"ghcr.io/bgctl/hello:v1","name":"user-container"}]}}}}\n',
    );

    // The label conflict is waived (the annotation still says c=3, as the object does); the
    // containers list, grown by Knative's defaults, differs from the annotation and still conflicts.
    writeFileSync(file, manifest({ a: '1', c: '4' }, [{ name: 'A', value: '1' }]));
    r = await k.run(['apply', '--server-side', '-f', file]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using serving\.knative\.dev\/v1: \.spec\.template\.spec\.containers\n/,
    );
    r = await k.run(['apply', '--server-side', '--force-conflicts', '-f', file]);
    assert.equal(r.stdout.trim(), 'service.serving.knative.dev/mf serverside-applied', r.stderr);
    o = await live();
    assert.equal(o.metadata.labels!.c, '4');
    // What kubectl applied is in the annotation (the apiserver writes it for the manager "kubectl",
    // kubectl's upgrade from client-side apply does too), keys sorted as Go encodes them.
    assert.equal(
      lastApplied(o),
      '{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"labels":{"a":"1","c":"4"},' +
        '"name":"mf","namespace":"default"},"spec":{"template":{"spec":{"containers":[{"env":[{"name":"A","value":"1"}],' +
        '"image":"ghcr.io/bgctl/hello:v1","name":"user-container"}]}}}}\n',
    );
    // kubectl folds the client-side apply manager's fields (its '.' entries included) into its own
    // (csaupgrade); the apply then owns what it applied, which has no '.' (typed ToFieldSet).
    assert.equal(fieldsOf(o, 'kubectl-client-side-apply'), undefined);
    assert.deepEqual(labelsOwned(o, 'kubectl'), ['f:a', 'f:c']);
    assert.deepEqual(Object.keys(fieldsOf(o, 'kubectl')!['f:spec'] as Fields), ['f:template']);
  });
});
