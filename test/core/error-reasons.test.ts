// Every error class gives a stable reason word when the thrower names none. The shipped build
// minifies class names (UsageError becomes "l"), so a reason taken from the class name would change
// with every build; a class renamed here the way the minifier renames it must keep its reason.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as core from '../../src/core/errors.js';
import * as kube from '../../src/kube/errors.js';

type ErrorClass = typeof core.BgctlError;

function errorClasses(mod: Record<string, unknown>): Array<[string, ErrorClass]> {
  return Object.entries(mod).filter(
    (e): e is [string, ErrorClass] =>
      typeof e[1] === 'function' && (e[1] === core.BgctlError || e[1].prototype instanceof core.BgctlError),
  );
}

/** What esbuild's minifier does to a class: same code, another name. */
function minified(cls: ErrorClass): ErrorClass {
  const renamed = class extends cls {};
  Object.defineProperty(renamed, 'name', { value: 'l' });
  return renamed;
}

const EXPECTED: Record<string, string> = {
  BgctlError: 'Failed',
  UsageError: 'Usage',
  RefusedError: 'Refused',
  FailedError: 'Failed',
  IncompleteError: 'BookkeepingIncomplete',
  VerificationError: 'Verification',
  AnalysisError: 'AnalysisFailed',
  ClusterAccessError: 'ClusterAccess',
  ConflictError: 'Conflict',
  TimeoutError: 'Timeout',
  PausedError: 'Paused',
  CancelError: 'Cancelled',
  StaleWriteError: 'Conflict',
};

describe('error reasons', () => {
  const classes = [...errorClasses(core), ...errorClasses(kube)];

  test('every exported error class is listed here', () => {
    assert.deepEqual(classes.map(([n]) => n).sort(), Object.keys(EXPECTED).sort());
  });

  for (const [name, cls] of classes) {
    test(`${name} without a reason says "${EXPECTED[name]}", whatever the class is called`, () => {
      const err = new (minified(cls))('something went wrong');
      assert.equal(err.reason, EXPECTED[name]);
      assert.match(err.reason, /^[A-Z][A-Za-z]{3,}$/);
      assert.equal(err.name, `${EXPECTED[name]}Error`);
    });
  }

  for (const [name, cls] of errorClasses(core)) {
    test(`${name} declares its own default reason (not inherited by accident)`, () => {
      assert.ok(Object.hasOwn(cls, 'defaultReason'), `${name} has no static defaultReason`);
    });
  }

  test('an explicit reason wins', () => {
    assert.equal(new (minified(core.UsageError))('bad', { reason: 'InvalidDuration' }).reason, 'InvalidDuration');
  });
});
