import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, type KObject, type RequestContext } from '../../../src/sim/api/contracts.js';
import { knativeAdmission } from '../../../src/sim/knative/admission/index.js';

const PREFIX = 'admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed: ';
const CONTROLLER: RequestContext = { user: 'system:serviceaccount:knative-serving:controller' };
const svcOwner = [
  { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello', uid: 'u1', controller: true },
];
const cfgOwner = [
  { apiVersion: 'serving.knative.dev/v1', kind: 'Configuration', name: 'hello', uid: 'u2', controller: true },
];

function admit(
  plural: keyof typeof knativeAdmission,
  obj: KObject,
  old?: KObject,
  ctx: RequestContext = CONTROLLER,
): { obj: KObject; denial?: string } {
  const o = structuredClone(obj);
  knativeAdmission[plural].mutate?.(o, old, ctx);
  try {
    knativeAdmission[plural].validate?.(o, old, ctx);
    return { obj: o };
  } catch (err) {
    assert.ok(err instanceof StatusError);
    assert.equal(err.status.code, 400);
    return { obj: o, denial: err.status.message!.slice(PREFIX.length) };
  }
}

function revision(labels: Record<string, string>, ownerReferences?: unknown[]): KObject {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Revision',
    metadata: {
      name: 'hello-00001',
      labels,
      ...(ownerReferences ? { ownerReferences: ownerReferences as KObject['metadata']['ownerReferences'] } : {}),
    },
    spec: { containers: [{ image: 'img:v1' }] },
  };
}

describe('Revision', () => {
  const controllerLabels = {
    'serving.knative.dev/configuration': 'hello',
    'serving.knative.dev/service': 'hello',
    'serving.knative.dev/configurationGeneration': '1',
    'serving.knative.dev/configurationUID': 'u2',
    'serving.knative.dev/serviceUID': 'u1',
    'serving.knative.dev/routingState': 'active',
  };

  test('a controller-made Revision is admitted', () => {
    assert.equal(admit('revisions', revision(controllerLabels, cfgOwner)).denial, undefined);
  });

  test('the configuration label needs a matching Configuration owner', () => {
    assert.equal(
      admit('revisions', revision(controllerLabels)).denial,
      'missing field(s): metadata.labels.serving.knative.dev/configuration',
    );
    assert.equal(
      admit('revisions', revision(controllerLabels, svcOwner)).denial,
      'missing field(s): metadata.labels.serving.knative.dev/configuration',
    );
  });

  test('other serving.knative.dev labels are accepted (upstream dropped that rule)', () => {
    assert.equal(admit('revisions', revision({ 'serving.knative.dev/foo': 'x' })).denial, undefined);
  });

  test('spec is validated on create', () => {
    const bad = revision({});
    bad.spec.timeoutSeconds = 700;
    assert.equal(admit('revisions', bad).denial, 'expected 0 <= 700 <= 600: spec.timeoutSeconds');
  });

  test('the spec is immutable; metadata is not', () => {
    const stored = admit('revisions', revision(controllerLabels, cfgOwner)).obj;
    const next = structuredClone(stored);
    next.spec.containers[0].image = 'img:v2';
    assert.equal(
      admit('revisions', next, stored).denial,
      'Immutable fields changed (-old +new): spec\n{v1.RevisionSpec}.PodSpec.Containers[0].Image:\n\t-: "img:v1"\n\t+: "img:v2"\n',
    );
    const relabel = structuredClone(stored);
    relabel.metadata.labels!['serving.knative.dev/routingState'] = 'reserve';
    relabel.metadata.annotations = { 'serving.knative.dev/routes': 'hello' };
    assert.equal(admit('revisions', relabel, stored).denial, undefined);
  });

  test('on update the immutability error is reported alone', () => {
    const stored = admit('revisions', revision(controllerLabels, cfgOwner)).obj;
    const next = structuredClone(stored);
    next.spec.timeoutSeconds = 10;
    next.metadata.labels!['serving.knative.dev/foo'] = 'x';
    assert.equal(
      admit('revisions', next, stored).denial,
      'Immutable fields changed (-old +new): spec\n*{v1.RevisionSpec}.TimeoutSeconds:\n\t-: "300"\n\t+: "10"\n',
    );
  });
});

function configuration(meta: Partial<KObject['metadata']>, templateMeta?: Record<string, unknown>): KObject {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Configuration',
    metadata: { name: 'hello', ...meta },
    spec: {
      template: { ...(templateMeta ? { metadata: templateMeta } : {}), spec: { containers: [{ image: 'img:v1' }] } },
    },
  };
}

describe('Configuration', () => {
  const owned = {
    ownerReferences: svcOwner,
    labels: { 'serving.knative.dev/service': 'hello', 'serving.knative.dev/serviceUID': 'u1' },
  };

  test('a controller-made Configuration is admitted', () => {
    assert.equal(admit('configurations', configuration(owned)).denial, undefined);
  });

  test('the service label needs a matching Service owner', () => {
    assert.equal(
      admit('configurations', configuration({ labels: owned.labels })).denial,
      'missing field(s): metadata.labels.serving.knative.dev/service',
    );
  });

  test('BYO template names are prefixed with the Configuration name', () => {
    assert.equal(admit('configurations', configuration(owned, { name: 'hello-v1' })).denial, undefined);
    assert.equal(
      admit('configurations', configuration(owned, { name: 'other-v1' })).denial,
      'invalid value: "other-v1" must have prefix "hello-": spec.template.metadata.name',
    );
  });

  test('autoscaling annotations belong on the template', () => {
    assert.equal(
      admit('configurations', configuration({ annotations: { 'autoscaling.knative.dev/target': '10' } })).denial,
      'invalid key name "autoscaling.knative.dev/target": metadata.annotations\nautoscaling annotations must be put under "spec.template.metadata.annotations" to work',
    );
  });

  test('creator is only checked on standalone Configurations', () => {
    const ann = { 'serving.knative.dev/creator': 'alice', 'serving.knative.dev/lastModifier': 'alice' };
    const storedOwned = admit('configurations', configuration({ ...owned, annotations: ann })).obj;
    const nextOwned = structuredClone(storedOwned);
    nextOwned.metadata.annotations = {
      'serving.knative.dev/creator': 'bob',
      'serving.knative.dev/lastModifier': 'bob',
    };
    assert.equal(admit('configurations', nextOwned, storedOwned).denial, undefined);

    const stored = admit('configurations', configuration({}), undefined, { user: 'alice' }).obj;
    const next = structuredClone(stored);
    next.metadata.annotations!['serving.knative.dev/creator'] = 'bob';
    assert.equal(
      admit('configurations', next, stored, { user: 'bob' }).denial,
      'annotation value is immutable: metadata.annotations.serving.knative.dev/creator',
    );
  });

  test('an unchanged BYO name refuses template changes', () => {
    const stored = admit('configurations', configuration(owned, { name: 'hello-v1' })).obj;
    const next = structuredClone(stored);
    next.spec.template.spec.containers[0].image = 'img:v2';
    assert.equal(
      admit('configurations', next, stored).denial,
      'Saw the following changes without a name change (-old +new): spec.template.metadata.name\n{*v1.RevisionTemplateSpec}.Spec.PodSpec.Containers[0].Image:\n\t-: "img:v1"\n\t+: "img:v2"\n',
    );
  });
});

describe('Route', () => {
  const route = (
    meta: Partial<KObject['metadata']>,
    traffic: unknown = [{ configurationName: 'hello', percent: 100 }],
  ): KObject => ({
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Route',
    metadata: { name: 'hello', ...meta },
    spec: { traffic },
  });

  test('a controller-made Route is admitted', () => {
    const rt = route({ ownerReferences: svcOwner, labels: { 'serving.knative.dev/service': 'hello' } }, [
      { tag: 'blue', revisionName: 'hello-00001', percent: 50 },
      { tag: 'green', configurationName: 'hello', percent: 50 },
    ]);
    assert.equal(admit('routes', rt).denial, undefined);
  });

  test('the service label needs a matching Service owner', () => {
    assert.equal(
      admit('routes', route({ labels: { 'serving.knative.dev/service': 'hello' } })).denial,
      'missing field(s): metadata.labels.serving.knative.dev/service',
    );
  });

  test('rollout-duration is validated on Routes too', () => {
    assert.equal(
      admit('routes', route({ annotations: { 'serving.knative.dev/rollout-duration': '100ms' } })).denial,
      'rollout-duration=100ms is not at second precision: metadata.annotations.serving.knative.dev/rollout-duration',
    );
  });

  test('lastModifier may not change without a spec change on standalone Routes only', () => {
    const stored = admit('routes', route({}), undefined, { user: 'alice' }).obj;
    const next = structuredClone(stored);
    next.metadata.annotations!['serving.knative.dev/lastModifier'] = 'bob';
    assert.equal(
      admit('routes', next, stored, { user: 'bob' }).denial,
      'invalid value: bob: metadata.annotations.serving.knative.dev/lastModifier',
    );
    const ownedStored = admit('routes', route({ ownerReferences: svcOwner })).obj;
    const ownedNext = structuredClone(ownedStored);
    ownedNext.metadata.annotations = { 'serving.knative.dev/lastModifier': 'bob' };
    assert.equal(admit('routes', ownedNext, ownedStored).denial, undefined);
  });
});
