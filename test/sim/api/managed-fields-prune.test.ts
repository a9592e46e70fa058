// What server-side apply removes when an applier stops applying a field (structured-merge-diff's
// prune, merge/update.go), with Knative's admission installed so that what the webhook defaults
// belongs to nobody, as on a cluster.
import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, type KObject } from '../../../src/sim/api/contracts.js';
import { startHarness, type Harness } from '../knative/harness.js';

type Fields = Record<string, unknown>;

let h: Harness | undefined;
afterEach(() => h?.close());

function ksvc(meta: Record<string, unknown>, template: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: 'a', ...meta },
    spec: { template: { ...template, spec: { containers: [{ image: 'img:v1' }] } } },
  };
}

function fieldsOf(o: KObject, manager: string): Fields | undefined {
  const entries = (o.metadata.managedFields ?? []) as Array<{ manager: string; fieldsV1: Fields }>;
  return entries.find((e) => e.manager === manager)?.fieldsV1;
}

function refusal(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  assert.fail('the request was not refused');
}

describe('server-side apply: what an applier stops applying', () => {
  test('a map nobody else owns goes whole, the annotations the webhook defaulted too, so Knative refuses', () => {
    h = startHarness();
    const svc = h.defs.services;
    const apply = (o: KObject) =>
      h!.registry.patch(svc, 'default', 'a', 'apply', o, { user: 'alice', fieldManager: 'alice' });
    const made = apply(ksvc({ annotations: { 'example.com/note': 'x' } })).object;
    assert.equal(made.metadata.annotations?.['serving.knative.dev/creator'], 'alice', 'the webhook defaulted it');

    // Nobody owns metadata.annotations any more (the creator annotations belong to nobody), so the
    // whole map goes, and Knative's webhook refuses to lose the creator annotations.
    const e = refusal(() => apply(ksvc({})));
    assert.equal(e.code, 400);
    assert.equal(
      e.status.message,
      'admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed: ' +
        'annotation value is immutable: metadata.annotations.serving.knative.dev/creator\n' +
        'invalid value: : metadata.annotations.serving.knative.dev/lastModifier',
    );
    assert.equal(h.get('services', 'a').metadata.annotations?.['example.com/note'], 'x', 'nothing was written');
  });

  test('a map another manager owns something in keeps what nobody owns; only the released field goes', () => {
    h = startHarness();
    const svc = h.defs.services;
    const apply = (o: KObject) =>
      h!.registry.patch(svc, 'default', 'a', 'apply', o, { user: 'alice', fieldManager: 'alice' });
    apply(ksvc({ annotations: { 'example.com/note': 'x' } }));
    h.registry.patch(
      svc,
      'default',
      'a',
      'merge',
      { metadata: { annotations: { 'example.com/team': 't' } } },
      {
        user: 'alice',
        fieldManager: 'ops',
      },
    );
    const after = apply(ksvc({})).object;
    assert.deepEqual(Object.keys(after.metadata.annotations ?? {}).sort(), [
      'example.com/team',
      'serving.knative.dev/creator',
      'serving.knative.dev/lastModifier',
    ]);
  });

  test('a map the removal empties goes even when a manager owns it as `.` (null upstream, dropped after)', () => {
    h = startHarness();
    const svc = h.defs.services;
    const apply = (o: KObject) =>
      h!.registry.patch(svc, 'default', 'a', 'apply', o, { user: 'alice', fieldManager: 'alice' });
    const opsPatch = (annotations: Record<string, unknown>) =>
      h!.registry.patch(
        svc,
        'default',
        'a',
        'merge',
        { spec: { template: { metadata: { annotations } } } },
        {
          user: 'alice',
          fieldManager: 'ops',
        },
      );
    // ops adds the template's annotations map (so it owns it as `.`), alice applies a key in it, and
    // ops removes its own key.
    apply(ksvc({}));
    opsPatch({ 'example.com/ops': 'o' });
    apply(ksvc({}, { metadata: { annotations: { 'example.com/note': 'x' } } }));
    opsPatch({ 'example.com/ops': null });
    const opsAnnotations = (o: KObject) =>
      (((fieldsOf(o, 'ops')?.['f:spec'] as Fields)?.['f:template'] as Fields)?.['f:metadata'] as Fields)?.[
        'f:annotations'
      ];
    assert.deepEqual(opsAnnotations(h.get('services', 'a')), {}, 'a member with nothing under it: no `.`');

    const after = apply(ksvc({})).object;
    const template = (after.spec as { template: { metadata?: { annotations?: unknown } } }).template;
    assert.equal(template.metadata?.annotations, undefined);
    assert.deepEqual(opsAnnotations(after), {}, 'ops still records the map it added');
  });
});
