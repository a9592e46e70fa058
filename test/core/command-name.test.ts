// asTyped: the bgctl commands inside a text, named as the user typed the command (a kubectl or kn plugin).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { asTyped } from '../../src/core/command-name.js';

const VERBS = ['rollout', 'rollback', 'split', 'status', 'help'];

describe('asTyped', () => {
  test('rewrites commands: a verb, [options], --help', () => {
    assert.equal(
      asTyped('Next: bgctl split hello --percent 50   # then bgctl rollback hello', 'kubectl bgctl', VERBS),
      'Next: kubectl bgctl split hello --percent 50   # then kubectl bgctl rollback hello',
    );
    assert.equal(asTyped('Usage: bgctl [options] [command]', 'kn bgctl', VERBS), 'Usage: kn bgctl [options] [command]');
    assert.equal(asTyped('see bgctl --help', 'kn bgctl', VERBS), 'see kn bgctl --help');
    assert.equal(asTyped('(`bgctl status hello`)', 'kn bgctl', VERBS), '(`kn bgctl status hello`)');
  });

  test('leaves prose, other words and already typed names alone', () => {
    for (const text of [
      'since bgctl recorded the rollout',
      'bgctl rollouts are recorded',
      'annotation bgctl.dev/state',
      'BGCTL_IMAGE=x',
      '/usr/bin/bgctl status',
      'kubectl bgctl status hello',
      'kn bgctl split hello',
    ])
      assert.equal(asTyped(text, 'kubectl bgctl', VERBS), text);
  });

  test('plain bgctl changes nothing', () => {
    assert.equal(asTyped('bgctl split hello', 'bgctl', VERBS), 'bgctl split hello');
  });
});
