import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { closestName, editDistance, suggestTag, validateTag } from '../../src/core/names.js';
import { UsageError } from '../../src/core/errors.js';

describe('suggestions for mistyped names', () => {
  test('editDistance counts insertions, deletions, substitutions and neighbour swaps', () => {
    assert.equal(editDistance('hello', 'hello'), 0);
    assert.equal(editDistance('helo', 'hello'), 1);
    assert.equal(editDistance('hlelo', 'hello'), 1);
    assert.equal(editDistance('jello', 'hello'), 1);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });

  test('closestName: one close candidate, never a far one, never one of a tie', () => {
    assert.equal(closestName('helo', ['hello', 'world', 'shop']), 'hello');
    assert.equal(closestName('chekout-api', ['checkout-api', 'checkout-web']), 'checkout-api');
    assert.equal(closestName('checkout', ['hello', 'world']), undefined);
    assert.equal(closestName('shop-c', ['shop-a', 'shop-b']), undefined, 'tie');
    assert.equal(closestName('ab', ['xy']), undefined, 'a short name allows one edit');
    assert.equal(closestName('hello', ['hello']), undefined, 'the name itself is no suggestion');
    assert.equal(closestName('x', []), undefined);
  });

  test('suggestTag turns an invalid tag into a valid one', () => {
    assert.equal(suggestTag('V2_bad'), 'v2-bad');
    assert.equal(suggestTag('Release 1.2'), 'release-1-2');
    assert.equal(suggestTag('1.2.3'), 'v1-2-3');
    assert.equal(suggestTag('--canary--'), 'canary');
    assert.equal(suggestTag('___'), undefined);
    assert.equal(suggestTag('x'.repeat(70), 'hello'), 'x'.repeat(57));
  });

  test('validateTag puts the suggestion in the UsageError hint', () => {
    assert.throws(
      () => validateTag('V2_bad', 'hello'),
      (e: unknown) =>
        e instanceof UsageError && e.reason === 'InvalidTag' && /^did you mean "v2-bad"\?/.test(e.hint ?? ''),
    );
    assert.throws(
      () => validateTag('a'.repeat(60), 'hello'),
      (e: unknown) =>
        e instanceof UsageError &&
        e.reason === 'TagTooLong' &&
        e.hint === `use a tag of at most 57 characters, e.g. "${'a'.repeat(57)}"`,
    );
  });
});
