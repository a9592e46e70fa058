import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, type KObject, type RequestContext } from '../../../src/sim/api/contracts.js';
import { knativeAdmission } from '../../../src/sim/knative/admission/index.js';

const PREFIX = 'admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed: ';
const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

const hooks = knativeAdmission.services;

function service(
  opts: {
    metadata?: Record<string, unknown>;
    template?: Record<string, unknown>;
    tspec?: Record<string, unknown>;
    traffic?: unknown;
  } = {},
): KObject {
  const spec: Record<string, unknown> = {
    template: {
      ...(opts.template ? { metadata: opts.template } : {}),
      spec: { containers: [{ image: 'img:v1' }], ...opts.tspec },
    },
  };
  if (opts.traffic !== undefined) spec.traffic = opts.traffic;
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: 'hello', namespace: 'default', ...opts.metadata } as KObject['metadata'],
    spec,
  };
}

/** What the registry would store after create (mutate only). */
function created(obj: KObject, ctx: RequestContext = { user: 'alice' }): KObject {
  const o = structuredClone(obj);
  hooks.mutate?.(o, undefined, ctx);
  hooks.validate?.(o, undefined, ctx);
  return o;
}

/** mutate + validate; the FieldError text of a denial, or undefined. */
function denial(obj: KObject, old?: KObject, ctx: RequestContext = { user: 'bob' }): string | undefined {
  const o = structuredClone(obj);
  hooks.mutate?.(o, old, ctx);
  try {
    hooks.validate?.(o, old, ctx);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof StatusError);
    assert.equal(err.status.code, 400);
    return err.status.message!.slice(PREFIX.length);
  }
}

describe('Service create rules', () => {
  const cases: Array<{ name: string; obj: KObject; want: string | undefined }> = [
    { name: 'valid', obj: service(), want: undefined },
    {
      name: 'name not DNS-1035',
      obj: service({ metadata: { name: 'Hello' } }),
      want: `not a DNS 1035 label: [${DNS1035}]: metadata.name`,
    },
    {
      name: 'name too long',
      obj: service({ metadata: { name: 'a'.repeat(64) } }),
      want: 'not a DNS 1035 label: [must be no more than 63 characters]: metadata.name',
    },
    {
      name: 'no name nor generateName',
      obj: service({ metadata: { name: '' } }),
      want: 'name or generateName is required: metadata.name',
    },
    {
      name: 'generateName only is fine',
      obj: service({ metadata: { name: '', generateName: 'hello-' } }),
      want: undefined,
    },
    {
      name: 'bad generateName',
      obj: service({ metadata: { name: '', generateName: 'Hello-' } }),
      want: `not a DNS 1035 label prefix: [${DNS1035}]: metadata.generateName`,
    },
    { name: 'BYO name ok', obj: service({ template: { name: 'hello-v1' } }), want: undefined },
    {
      name: 'BYO name not DNS-1035',
      obj: service({ template: { name: 'hello-V1' } }),
      want: `invalid value: not a DNS 1035 label: [${DNS1035}]: spec.template.metadata.name`,
    },
    {
      name: 'BYO name without the service prefix',
      obj: service({ template: { name: 'other-v1' } }),
      want: 'invalid value: "other-v1" must have prefix "hello-": spec.template.metadata.name',
    },
    {
      name: 'BYO name with generateName only',
      obj: service({ metadata: { name: '', generateName: 'hello-' }, template: { name: 'hello-v1' } }),
      want: 'must not set the field(s): spec.template.metadata.name',
    },
    {
      name: 'timeoutSeconds above 600',
      obj: service({ tspec: { timeoutSeconds: 601 } }),
      want: 'expected 0 <= 601 <= 600: spec.template.spec.timeoutSeconds',
    },
    {
      name: 'timeoutSeconds negative',
      obj: service({ tspec: { timeoutSeconds: -1 } }),
      want: 'expected 0 <= -1 <= 600: spec.template.spec.timeoutSeconds',
    },
    { name: 'timeoutSeconds 600', obj: service({ tspec: { timeoutSeconds: 600 } }), want: undefined },
    {
      name: 'containerConcurrency above 1000',
      obj: service({ tspec: { containerConcurrency: 1001 } }),
      want: 'expected 0 <= 1001 <= 1000: spec.template.spec.containerConcurrency',
    },
    {
      name: 'no containers',
      obj: service({ tspec: { containers: [] } }),
      want: 'missing field(s): spec.template.spec.containers',
    },
    {
      name: 'container without image',
      obj: service({ tspec: { containers: [{ name: 'x' }] } }),
      want: 'missing field(s): spec.template.spec.containers[0].image',
    },
    {
      name: 'autoscaling annotation on the Service',
      obj: service({ metadata: { annotations: { 'autoscaling.knative.dev/min-scale': '1' } } }),
      want: 'invalid key name "autoscaling.knative.dev/min-scale": metadata.annotations\nautoscaling annotations must be put under "spec.template.metadata.annotations" to work',
    },
    {
      name: 'autoscaling annotation on the template is fine',
      obj: service({ template: { annotations: { 'autoscaling.knative.dev/min-scale': '1' } } }),
      want: undefined,
    },
    {
      name: 'rollout-duration ok',
      obj: service({ metadata: { annotations: { 'serving.knative.dev/rollout-duration': '2m' } } }),
      want: undefined,
    },
    {
      name: 'rollout-duration unparsable',
      obj: service({ metadata: { annotations: { 'serving.knative.dev/rollout-duration': 'soon' } } }),
      want: 'invalid value: soon: metadata.annotations.serving.knative.dev/rollout-duration',
    },
    {
      name: 'rollout-duration below a second',
      obj: service({ metadata: { annotations: { 'serving.knative.dev/rollout-duration': '1.5s' } } }),
      want: 'rollout-duration=1.5s is not at second precision: metadata.annotations.serving.knative.dev/rollout-duration',
    },
    {
      name: 'rollout-duration negative',
      obj: service({ metadata: { annotations: { 'serving.knative.dev/rollout-duration': '-10s' } } }),
      want: 'rollout-duration=-10s must be positive: metadata.annotations.serving.knative.dev/rollout-duration',
    },
    {
      name: 'rolloutDuration alias',
      obj: service({ metadata: { annotations: { 'serving.knative.dev/rolloutDuration': '5' } } }),
      want: 'invalid value: 5: metadata.annotations.serving.knative.dev/rolloutDuration',
    },
    // Both label rules were dropped upstream in 2021.
    {
      name: 'any visibility label value',
      obj: service({ metadata: { labels: { 'networking.knative.dev/visibility': 'public' } } }),
      want: undefined,
    },
    {
      name: 'cluster-local visibility',
      obj: service({ metadata: { labels: { 'networking.knative.dev/visibility': 'cluster-local' } } }),
      want: undefined,
    },
    {
      name: 'serving.knative.dev label',
      obj: service({ metadata: { labels: { 'serving.knative.dev/foo': 'x' } } }),
      want: undefined,
    },
    {
      name: 'errors from metadata, template and traffic together',
      obj: service({ metadata: { name: 'Hello' }, tspec: { timeoutSeconds: 900 }, traffic: [{ percent: 50 }] }),
      want: [
        'Traffic targets sum to 50, want 100: spec.traffic',
        'expected 0 <= 900 <= 600: spec.template.spec.timeoutSeconds',
        `invalid value: "hello-v1" must have prefix "Hello-": spec.template.metadata.name`,
        `not a DNS 1035 label: [${DNS1035}]: metadata.name`,
      ].join('\n'),
    },
  ];
  cases[cases.length - 1].obj.spec.template.metadata = { name: 'hello-v1' };
  for (const c of cases) test(c.name, () => assert.equal(denial(c.obj, undefined, { user: 'alice' }), c.want));
});

describe('Service update rules', () => {
  const stored = created(service());
  const byo = created(service({ template: { name: 'hello-v1' } }));
  const NAME_CHANGE = 'Saw the following changes without a name change (-old +new): spec.template.metadata.name';

  test('BYO name unchanged and image changed: refused with a readable diff', () => {
    const next = structuredClone(byo);
    next.spec.template.spec.containers[0].image = 'img:v2';
    assert.equal(
      denial(next, byo),
      `${NAME_CHANGE}\n{*v1.RevisionTemplateSpec}.Spec.PodSpec.Containers[0].Image:\n\t-: "img:v1"\n\t+: "img:v2"\n`,
    );
  });

  test('BYO name unchanged: template labels and timeout count as changes too', () => {
    const next = structuredClone(byo);
    next.spec.template.metadata.labels = { team: 'a' };
    next.spec.template.spec.timeoutSeconds = 100;
    assert.equal(
      denial(next, byo),
      `${NAME_CHANGE}\n{*v1.RevisionTemplateSpec}.ObjectMeta.Labels:\n\t-: "map[]"\n\t+: "map[team:a]"\n\n` +
        `*{*v1.RevisionTemplateSpec}.Spec.TimeoutSeconds:\n\t-: "300"\n\t+: "100"\n`,
    );
  });

  test('BYO name unchanged: a full PUT without the stored defaults is a change (defaulting is skipped)', () => {
    const put = service({ template: { name: 'hello-v1' } });
    put.metadata.annotations = byo.metadata.annotations;
    const msg = denial(put, byo);
    assert.ok(msg?.startsWith(`${NAME_CHANGE}\n`), msg);
    assert.match(msg!, /\.Spec\.TimeoutSeconds:\n\t-: "300"\n\t\+: "<nil>"\n/);
  });

  test('BYO name unchanged, traffic changed: fine', () => {
    const next = structuredClone(byo);
    next.spec.traffic = [{ tag: 'v1', revisionName: 'hello-v1', percent: 100 }];
    assert.equal(denial(next, byo), undefined);
  });

  test('rename with a new image and traffic pinned to the new name in one update: fine', () => {
    const next = structuredClone(byo);
    next.spec.template.metadata.name = 'hello-v2';
    next.spec.template.spec.containers[0].image = 'img:v2';
    next.spec.traffic = [{ revisionName: 'hello-v2', percent: 100 }];
    assert.equal(denial(next, byo), undefined);
  });

  test('no BYO name: template changes are fine', () => {
    const next = structuredClone(stored);
    next.spec.template.spec.containers[0].image = 'img:v2';
    assert.equal(denial(next, stored), undefined);
  });

  test('creator is immutable', () => {
    const next = structuredClone(stored);
    next.metadata.annotations!['serving.knative.dev/creator'] = 'mallory';
    next.spec.template.spec.containers[0].image = 'img:v2';
    assert.equal(
      denial(next, stored),
      'annotation value is immutable: metadata.annotations.serving.knative.dev/creator',
    );
  });

  test('lastModifier may not change without a spec change', () => {
    const next = structuredClone(stored);
    next.metadata.annotations!['serving.knative.dev/lastModifier'] = 'mallory';
    assert.equal(denial(next, stored), 'invalid value: mallory: metadata.annotations.serving.knative.dev/lastModifier');
  });

  test('lastModifier sent by the client is overwritten when the spec changes', () => {
    const next = structuredClone(stored);
    next.metadata.annotations!['serving.knative.dev/lastModifier'] = 'mallory';
    next.spec.traffic = [{ tag: 'x', percent: 100 }];
    assert.equal(denial(next, stored), undefined);
  });

  test('a PUT that drops the annotations trips both annotation rules', () => {
    // enableServiceLinks is only defaulted on create, so the PUT repeats it to leave the spec unchanged.
    const put = service({ tspec: { enableServiceLinks: false } });
    assert.equal(
      denial(put, stored),
      'annotation value is immutable: metadata.annotations.serving.knative.dev/creator\ninvalid value: : metadata.annotations.serving.knative.dev/lastModifier',
    );
    // Without it the spec differs, so lastModifier is reset and only the creator rule remains.
    assert.equal(
      denial(service(), stored),
      'annotation value is immutable: metadata.annotations.serving.knative.dev/creator',
    );
  });
});
