// The plan of a deploy lists every template difference against the serving revision, and marks the
// values a failed revision already had (a bad annotation carried into the next deploy).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Revision, RevisionTemplate } from '../../src/core/knative-types.js';
import { VALUE_LIMIT, describeTemplateDifference, templateDifferences } from '../../src/core/template-diff.js';

function revision(
  name: string,
  o: { image: string; env?: Record<string, string>; annotations?: Record<string, string>; ready?: 'True' | 'False' },
): Revision {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Revision',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'serving.knative.dev/creator': 'alice',
        'serving.knative.dev/routes': 'hello',
        ...(o.annotations ?? {}),
      },
    },
    spec: {
      containers: [
        {
          name: 'user-container',
          image: o.image,
          env: Object.entries(o.env ?? {}).map(([n, value]) => ({ name: n, value })),
        },
      ],
      timeoutSeconds: 300,
    },
    status: {
      conditions: [
        {
          type: 'Ready',
          status: o.ready ?? 'True',
          ...(o.ready === 'False' ? { reason: 'ProgressDeadlineExceeded' } : {}),
        },
      ],
    },
  };
}

function template(o: {
  image: string;
  env?: Record<string, string>;
  annotations?: Record<string, string>;
}): RevisionTemplate {
  return {
    metadata: { annotations: { 'client.knative.dev/updateTimestamp': 'now', ...(o.annotations ?? {}) } },
    spec: {
      containers: [{ image: o.image, env: Object.entries(o.env ?? {}).map(([n, value]) => ({ name: n, value })) }],
    },
  };
}

describe('template changes against the serving revision', () => {
  const stable = revision('hello-00001', { image: 'img:v1', env: { MODE: 'blue' } });

  test('image, env and user annotations are compared; system annotations are not', () => {
    const to = template({
      image: 'img:v2',
      env: { MODE: 'green', DEBUG: '1' },
      annotations: { 'autoscaling.knative.dev/min-scale': '1' },
    });
    assert.deepEqual(templateDifferences(stable, to), [
      { field: 'image', from: 'img:v1', to: 'img:v2' },
      { field: 'env DEBUG', to: '1' },
      { field: 'env MODE', from: 'blue', to: 'green' },
      { field: 'annotation autoscaling.knative.dev/min-scale', to: '1' },
    ]);
  });

  test('a setting of a failed latest revision kept by the new template is marked as carried over', () => {
    const failed = revision('hello-00002', {
      image: 'img:v2',
      env: { MODE: 'blue' },
      annotations: { 'autoscaling.knative.dev/min-scale': 'abc-bad' },
      ready: 'False',
    });
    const to = template({
      image: 'img:v3',
      env: { MODE: 'blue' },
      annotations: { 'autoscaling.knative.dev/min-scale': 'abc-bad' },
    });
    const changes = templateDifferences(stable, to, failed);
    assert.deepEqual(changes, [
      { field: 'image', from: 'img:v1', to: 'img:v3' },
      { field: 'annotation autoscaling.knative.dev/min-scale', to: 'abc-bad', carriedFrom: 'hello-00002' },
    ]);
    assert.equal(
      describeTemplateDifference(changes[1]),
      'annotation autoscaling.knative.dev/min-scale: (unset) -> abc-bad   (kept from hello-00002, which failed)',
    );
    assert.equal(describeTemplateDifference(changes[0]), 'image: img:v1 -> img:v3');
  });

  test('nothing is marked when the latest revision is ready, or is the serving one', () => {
    const ready = revision('hello-00002', {
      image: 'img:v2',
      annotations: { 'autoscaling.knative.dev/min-scale': '2' },
    });
    const to = template({
      image: 'img:v3',
      env: { MODE: 'blue' },
      annotations: { 'autoscaling.knative.dev/min-scale': '2' },
    });
    assert.ok(templateDifferences(stable, to, ready).every((c) => c.carriedFrom === undefined));
    assert.ok(templateDifferences(stable, to, stable).every((c) => c.carriedFrom === undefined));
  });

  test('a removed env var and annotation show as unset', () => {
    const from = revision('hello-00001', {
      image: 'img:v1',
      env: { MODE: 'blue' },
      annotations: { 'sim.bgctl.dev/error-rate': '50' },
    });
    assert.deepEqual(templateDifferences(from, template({ image: 'img:v1' })), [
      { field: 'env MODE', from: 'blue' },
      { field: 'annotation sim.bgctl.dev/error-rate', from: '50' },
    ]);
  });
});

describe('template differences stay readable', () => {
  test('a huge env value or annotation is cut, saying how much was left out', () => {
    const stable = revision('hello-00001', { image: 'img:v1', env: { BIG: 'x'.repeat(200_000) } });
    const to = template({ image: 'img:v1', annotations: { 'example.com/note': 'y'.repeat(100_000) } });
    const changes = templateDifferences(stable, to);
    assert.deepEqual(
      changes.map((c) => [c.field, c.from?.length, c.to?.length]),
      [
        ['env BIG', VALUE_LIMIT + `… (${200_000 - VALUE_LIMIT} more characters)`.length, undefined],
        ['annotation example.com/note', undefined, VALUE_LIMIT + `… (${100_000 - VALUE_LIMIT} more characters)`.length],
      ],
    );
    assert.ok(changes[0].from?.endsWith(`… (${200_000 - VALUE_LIMIT} more characters)`));
    for (const c of changes) assert.ok(describeTemplateDifference(c).length < 2 * VALUE_LIMIT);
  });
});
