// The --notify event and its Slack form: what a receiver gets, and that no string reaches Slack as markup.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rolloutEvent, slackEscape, slackMessage } from '../../src/core/notify-event.js';
import type { KnativeService } from '../../src/core/knative-types.js';
import type { RolloutState } from '../../src/core/state.js';

const svc: KnativeService = {
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name: 'hello', namespace: 'shop' },
  spec: { template: { spec: { containers: [{ image: 'x' }] } } },
  status: {
    url: 'http://hello.shop.example.com',
    traffic: [
      { revisionName: 'hello-00001', tag: 'stable', percent: 100, url: 'http://stable-hello.shop.example.com' },
      { revisionName: 'hello-00002', tag: 'candidate', percent: 0, url: 'http://candidate-hello.shop.example.com' },
    ],
  },
};
const state: RolloutState = {
  id: 'hello-1',
  phase: 'rolled-back',
  stable: { revision: 'hello-00001', tag: 'stable' },
  candidate: { revision: 'hello-00002', tag: 'candidate' },
  percents: [50, 100],
  levelIndex: 0,
  percent: 0,
  startedBy: 'a',
  startedAt: '2026-12-07T00:00:00Z',
  updatedBy: 'a',
  updatedAt: '2026-12-07T00:00:00Z',
  reason: 'gates failed: error-rate <script> & <@channel>',
};

describe('rollout events', () => {
  test('a setback carries the recorded reason; roles carry their tag URLs', () => {
    const e = rolloutEvent('rolled-back', svc, state, { actor: 'ci', at: '2026-12-07T01:00:00Z' });
    assert.equal(e.reason, state.reason);
    assert.deepEqual(e.candidate, {
      revisionName: 'hello-00002',
      tag: 'candidate',
      url: 'http://candidate-hello.shop.example.com',
    });
    assert.equal(e.namespace, 'shop');
    assert.equal(rolloutEvent('promoted', svc, state, { actor: 'ci', at: 'x' }).reason, undefined);
  });

  test('Slack: <, > and & are escaped in text and every block, so nothing becomes a link or a mention', () => {
    const m = slackMessage(rolloutEvent('rolled-back', svc, state, { actor: '<@U1>', at: 'x' }));
    assert.equal(
      m.text,
      'bgctl: hello rolled back to hello-00001 (gates failed: error-rate &lt;script&gt; &amp; &lt;@channel&gt;)',
    );
    const all = JSON.stringify(m.blocks);
    assert.ok(!/[<>]/.test(all.replace(/\\u003[ce]/gi, '')), all);
    assert.match(all, /\*By:\* &lt;@U1&gt;/);
    assert.equal(slackEscape('a<b>&c'), 'a&lt;b&gt;&amp;c');
  });

  test("Slack: a huge reason or traffic list stays within Block Kit's limits (3000 per text, 2000 per field)", () => {
    const long = { ...state, reason: `revision failed: ${'x&<'.repeat(5000)}` };
    const many: KnativeService = {
      ...svc,
      status: {
        ...svc.status,
        traffic: Array.from({ length: 300 }, (_, i) => ({ revisionName: `hello-${i}-abcdefghij`, percent: 0 })),
      },
    };
    const m = slackMessage(rolloutEvent('rolled-back', many, long, { actor: 'ci', at: 'x' }));
    const [head, facts] = m.blocks as Array<{ text?: { text: string }; fields?: Array<{ text: string }> }>;
    assert.ok(head.text!.text.length <= 3000, `section text of ${head.text!.text.length}`);
    for (const f of facts.fields!) assert.ok(f.text.length <= 2000, `field of ${f.text.length}`);
    assert.ok(m.text.length <= 3000);
    assert.match(head.text!.text, /…$/);
    assert.doesNotMatch(head.text!.text, /&[a-z]*…$/, 'no entity cut in half');
  });
});
