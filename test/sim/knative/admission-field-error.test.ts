import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../../src/sim/api/contracts.js';
import {
  denyIfAny,
  fieldError,
  flattenPath,
  renderFieldErrors,
  viaField,
  viaFieldIndex,
  viaIndex,
  webhookDenied,
} from '../../../src/sim/knative/admission/field-error.js';

describe('FieldError paths', () => {
  test('flatten glues indexes to the previous part and drops empty parts', () => {
    assert.equal(flattenPath(['traffic', '[0].tag']), 'traffic[0].tag');
    assert.equal(flattenPath(['spec', '']), 'spec');
    assert.equal(flattenPath(['[1]', '[0]', 'bar']), '[1][0].bar');
    assert.equal(
      flattenPath(['metadata.annotations', 'serving.knative.dev/creator']),
      'metadata.annotations.serving.knative.dev/creator',
    );
  });
  test('ViaIndex then ViaField gives field[i].x; ViaFieldIndex on a current-field error gives field[i]', () => {
    assert.deepEqual(viaField(viaIndex(fieldError('m', 'percent'), 2), 'traffic')[0].paths, ['traffic[2].percent']);
    assert.deepEqual(viaField(viaFieldIndex(fieldError('m', ''), 'tag', 3), 'traffic')[0].paths, ['traffic.tag[3]']);
  });
});

describe('FieldError rendering', () => {
  test('sorted by message in byte order (uppercase first)', () => {
    const errs = [
      ...fieldError('expected 0 <= 150 <= 100', 'spec.traffic[0].percent'),
      ...fieldError('Traffic targets sum to 150, want 100', 'spec.traffic'),
    ];
    assert.equal(
      renderFieldErrors(errs),
      'Traffic targets sum to 150, want 100: spec.traffic\nexpected 0 <= 150 <= 100: spec.traffic[0].percent',
    );
  });
  test('same message and details merge; paths sorted as strings and de-duplicated', () => {
    const errs = [
      ...fieldError('must not set the field(s)', 'spec.traffic[2].url'),
      ...fieldError('must not set the field(s)', 'spec.traffic[10].url'),
      ...fieldError('must not set the field(s)', 'spec.traffic[2].url'),
    ];
    assert.equal(renderFieldErrors(errs), 'must not set the field(s): spec.traffic[10].url, spec.traffic[2].url');
  });
  test('different details do not merge; details follow on the next line; ties sort by details', () => {
    const errs = [...fieldError('invalid key name "x"', 'b', 'zz'), ...fieldError('invalid key name "x"', 'a', 'aa')];
    assert.equal(renderFieldErrors(errs), 'invalid key name "x": a\naa\ninvalid key name "x": b\nzz');
  });
});

describe('webhook denial', () => {
  test('400 BadRequest Status with the apiserver + knative wrapper text', () => {
    const err = webhookDenied(fieldError('Traffic targets sum to 90, want 100', 'spec.traffic'));
    assert.ok(err instanceof StatusError);
    assert.deepEqual(err.status, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed: Traffic targets sum to 90, want 100: spec.traffic',
      reason: 'BadRequest',
      code: 400,
    });
    assert.equal(err.code, 400);
  });
  test('no errors, no throw', () => {
    assert.doesNotThrow(() => denyIfAny([]));
    assert.throws(() => denyIfAny(fieldError('x', 'y')), StatusError);
  });
});
