import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, type KObject } from '../../../src/sim/api/contracts.js';
import { knativeAdmission } from '../../../src/sim/knative/admission/index.js';

const PREFIX = 'admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed: ';
const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QNAME =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

function service(traffic: unknown): KObject {
  const spec: Record<string, unknown> = { template: { spec: { containers: [{ image: 'img:v1' }] } } };
  if (traffic !== undefined) spec.traffic = traffic;
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: 'hello', namespace: 'default' },
    spec,
  };
}

function route(traffic: unknown): KObject {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Route',
    metadata: { name: 'hello', namespace: 'default' },
    spec: { traffic },
  };
}

/** Runs mutate + validate like the apiserver; returns the FieldError text, or undefined when admitted. */
function denial(plural: keyof typeof knativeAdmission, obj: KObject): string | undefined {
  const hooks = knativeAdmission[plural];
  const o = structuredClone(obj);
  hooks.mutate?.(o, undefined, { user: 'alice' });
  try {
    hooks.validate?.(o, undefined, { user: 'alice' });
    return undefined;
  } catch (err) {
    assert.ok(err instanceof StatusError);
    assert.equal(err.status.code, 400);
    assert.equal(err.status.reason, 'BadRequest');
    assert.ok(err.status.message?.startsWith(PREFIX), err.status.message);
    return err.status.message!.slice(PREFIX.length);
  }
}

describe('Service traffic rules T1–T9 (exact messages)', () => {
  const cases: Array<{ name: string; traffic: unknown; want: string | undefined }> = [
    { name: 'default traffic is valid', traffic: undefined, want: undefined },
    { name: 'T1 sum below 100', traffic: [{ percent: 90 }], want: 'Traffic targets sum to 90, want 100: spec.traffic' },
    {
      name: 'T1 missing percent counts as 0',
      traffic: [{ tag: 'a' }, { percent: 100 }, { revisionName: 'hello-00001' }],
      want: undefined,
    },
    {
      name: 'T1 + T2: raw sum checked even when a percent is out of range',
      traffic: [{ percent: 150 }],
      want: 'Traffic targets sum to 150, want 100: spec.traffic\nexpected 0 <= 150 <= 100: spec.traffic[0].percent',
    },
    {
      name: 'T2 negative and above 100, sorted by message bytes',
      traffic: [{ revisionName: 'hello-00001', percent: 110 }, { percent: -10 }],
      want: 'expected 0 <= -10 <= 100: spec.traffic[1].percent\nexpected 0 <= 110 <= 100: spec.traffic[0].percent',
    },
    {
      name: 'T3 latestRevision true with a revisionName',
      traffic: [{ revisionName: 'hello-00001', latestRevision: true, percent: 100 }],
      want: 'may not set revisionName "hello-00001" when latestRevision is true: spec.traffic[0].latestRevision',
    },
    {
      name: 'T4 latestRevision false without a revisionName',
      traffic: [{ latestRevision: false, percent: 100 }],
      want: 'may not set revisionName "" when latestRevision is false: spec.traffic[0].latestRevision',
    },
    {
      name: 'T5 configurationName in a Service',
      traffic: [{ configurationName: 'hello', percent: 100 }],
      want: 'must not set the field(s): spec.traffic[0].configurationName',
    },
    {
      name: 'T6 revisionName not a qualified name',
      traffic: [{ revisionName: 'hello_', percent: 100 }],
      want: `invalid key name "hello_": spec.traffic[0].revisionName\n${QNAME}`,
    },
    {
      name: 'T6 uppercase revision names pass (laxer than resource names)',
      traffic: [{ revisionName: 'Hello-00001', percent: 100 }],
      want: undefined,
    },
    {
      name: 'T7 tag not a DNS-1035 label, with the tag[i] path quirk',
      traffic: [{ percent: 100 }, { tag: 'Blue', revisionName: 'hello-00001', percent: 0 }],
      want: `invalid value: not a DNS 1035 label: [${DNS1035}]: spec.traffic.tag[1]`,
    },
    {
      name: 'T7 tag too long',
      traffic: [{ tag: 'a'.repeat(64), percent: 100 }],
      want: 'invalid value: not a DNS 1035 label: [must be no more than 63 characters]: spec.traffic.tag[0]',
    },
    {
      name: 'T8 duplicate tags name both entries',
      traffic: [
        { tag: 'blue', revisionName: 'hello-00001', percent: 50 },
        { tag: 'blue', percent: 50 },
      ],
      want: 'Multiple definitions for "blue": spec.traffic[0].tag, spec.traffic[1].tag',
    },
    {
      name: 'T8 three duplicates merge into one line',
      traffic: [
        { tag: 'x', percent: 100 },
        { tag: 'x', percent: 0 },
        { tag: 'x', percent: 0 },
      ],
      want: 'Multiple definitions for "x": spec.traffic[0].tag, spec.traffic[1].tag, spec.traffic[2].tag',
    },
    { name: 'T8 empty tags are never compared', traffic: [{ percent: 50 }, { percent: 50 }], want: undefined },
    {
      name: 'T9 url in spec',
      traffic: [{ tag: 'blue', url: 'http://blue', percent: 100 }],
      want: 'must not set the field(s): spec.traffic[0].url',
    },
    {
      name: 'T9 url without tag: the second identical error merges',
      traffic: [{ url: 'http://x', percent: 100 }],
      want: 'must not set the field(s): spec.traffic[0].url',
    },
    {
      name: 'paths sort as strings: [10] before [2]',
      traffic: [
        { percent: 100 },
        ...Array.from({ length: 10 }, (_, i) => ({
          percent: 0,
          ...(i + 1 === 2 || i + 1 === 10 ? { url: 'http://x' } : {}),
        })),
      ],
      want: 'must not set the field(s): spec.traffic[10].url, spec.traffic[2].url',
    },
    {
      name: 'several rules at once, sorted and merged',
      traffic: [
        { tag: 'blue', revisionName: 'hello-1', latestRevision: true, percent: 50 },
        { tag: 'blue', configurationName: 'x', percent: 60 },
      ],
      want: [
        'Multiple definitions for "blue": spec.traffic[0].tag, spec.traffic[1].tag',
        'Traffic targets sum to 110, want 100: spec.traffic',
        'may not set revisionName "hello-1" when latestRevision is true: spec.traffic[0].latestRevision',
        'must not set the field(s): spec.traffic[1].configurationName',
      ].join('\n'),
    },
    {
      name: 'not rejected: missing revisions, 0% entries, untagged duplicates, tags on latest',
      traffic: [
        { revisionName: 'does-not-exist', percent: 0 },
        { revisionName: 'hello-00001', percent: 50 },
        { revisionName: 'hello-00001', percent: 50 },
        { tag: 'latest', latestRevision: true },
      ],
      want: undefined,
    },
  ];
  for (const c of cases) test(c.name, () => assert.equal(denial('services', service(c.traffic)), c.want));
});

describe('Route traffic rules', () => {
  const cases: Array<{ name: string; traffic: unknown; want: string | undefined }> = [
    { name: 'configuration target', traffic: [{ configurationName: 'hello', percent: 100 }], want: undefined },
    { name: 'revision target', traffic: [{ revisionName: 'hello-00001', percent: 100 }], want: undefined },
    {
      name: 'neither',
      traffic: [{ percent: 100 }],
      want: 'expected exactly one, got neither: spec.traffic[0].configurationName, spec.traffic[0].revisionName',
    },
    {
      name: 'both',
      traffic: [{ revisionName: 'hello-00001', configurationName: 'hello', percent: 100 }],
      want: 'expected exactly one, got both: spec.traffic[0].configurationName, spec.traffic[0].revisionName',
    },
    {
      name: 'configurationName not a qualified name',
      traffic: [{ configurationName: 'bad_', percent: 100 }],
      want: `invalid key name "bad_": spec.traffic[0].configurationName\n${QNAME}`,
    },
    {
      name: 'configuration target pinned with latestRevision false',
      traffic: [{ configurationName: 'hello', latestRevision: false, percent: 100 }],
      want: 'may not set revisionName "" when latestRevision is false: spec.traffic[0].latestRevision',
    },
    { name: 'no default list for a Route', traffic: [], want: 'Traffic targets sum to 0, want 100: spec.traffic' },
  ];
  for (const c of cases) test(c.name, () => assert.equal(denial('routes', route(c.traffic)), c.want));
});
