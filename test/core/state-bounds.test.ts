import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FIELD_LIMITS,
  HISTORY_BUDGET,
  HISTORY_LIMIT,
  RECORD_BUDGET,
  boundText,
  decodeHistory,
  decodeState,
  encodeHistory,
  encodeState,
} from '../../src/core/state.js';
import { revs, run, state, svc } from './fixtures.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const jsonBytes = (s: string) => bytes(JSON.stringify(s)) - 2;
const label63 = 'a'.repeat(63);

describe('free-text bounds of the rollout record', () => {
  test('boundText keeps short values and cuts long ones at a code point, with "…", within the JSON byte limit', () => {
    assert.equal(boundText('alice', 256), 'alice');
    for (const filler of ['x', 'é', '日', '😀', '\x1b', '"', '\n']) {
      const cut = boundText(filler.repeat(10_000), 256);
      assert.ok(jsonBytes(cut) <= 256, `${JSON.stringify(filler)}: ${jsonBytes(cut)} bytes`);
      assert.ok(jsonBytes(cut) > 256 - 8, 'the cut uses the room it has');
      assert.ok(cut.endsWith('…'));
      assert.equal(cut.slice(0, -1).replaceAll(filler, ''), '', 'no half character');
    }
  });

  test('a 100 kB actor, reason and image are bounded when recorded; the record stays within RECORD_BUDGET', () => {
    const huge = '\x1b]0;pwned\x07'.repeat(10_000);
    const worst = state({
      id: `${label63}-20261126120000`,
      phase: 'split',
      stable: { revision: label63, tag: label63 },
      candidate: { revision: label63, tag: label63 },
      previousTag: label63,
      percents: Array.from({ length: 100 }, (_, i) => i + 1),
      levelIndex: 50,
      percent: 51,
      image: huge,
      startedBy: huge,
      updatedBy: huge,
      reason: huge,
      // 100 revisions at 1% each, every name 63 characters.
      routing: Object.fromEntries(
        Array.from({ length: 100 }, (_, i) => [`${label63.slice(0, 60)}${String(i).padStart(3, '0')}`, 1]),
      ),
    });
    const raw = encodeState(worst);
    assert.ok(bytes(raw) <= RECORD_BUDGET, `${bytes(raw)} bytes`);
    const back = decodeState(raw);
    assert.ok(jsonBytes(back.startedBy) <= FIELD_LIMITS.actor);
    assert.ok(jsonBytes(back.updatedBy) <= FIELD_LIMITS.actor);
    assert.ok(jsonBytes(back.reason ?? '') <= FIELD_LIMITS.reason);
    assert.ok(jsonBytes(back.image ?? '') <= FIELD_LIMITS.image);
    assert.ok(back.startedBy.startsWith('\x1b]0;pwned\x07'));
  });

  test('reading still accepts an oversized record written before the bounds', () => {
    const old = JSON.stringify({ v: 1, ...state({ startedBy: 'x'.repeat(100_000), reason: 'y'.repeat(100_000) }) });
    assert.equal(decodeState(old).startedBy.length, 100_000);
  });

  test('history: at most HISTORY_LIMIT entries and HISTORY_BUDGET bytes; the oldest go first', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      state({ id: `r-${i}`, phase: 'promoted', startedBy: '\x07'.repeat(5000), reason: 'z'.repeat(5000) }),
    );
    const enc = encodeHistory(many);
    assert.ok(bytes(enc) <= HISTORY_BUDGET);
    const back = decodeHistory(enc);
    assert.deepEqual(
      back.map((s) => s.id),
      many.slice(0, HISTORY_LIMIT).map((s) => s.id),
    );
  });

  test('history: the byte budget drops the oldest entries when the count alone would not', () => {
    // Entries from before the bounds are re-encoded bounded; this checks the byte loop itself with
    // entries whose fixed part is large (100 steps, long names).
    const big = (i: number) =>
      state({
        id: `${label63}-${i}`,
        percents: Array.from({ length: 100 }, (_, k) => k + 1),
        levelIndex: 0,
        image: 'i'.repeat(5000),
        startedBy: 'é'.repeat(5000),
        updatedBy: 'é'.repeat(5000),
        reason: 'r'.repeat(5000),
      });
    const enc = encodeHistory(Array.from({ length: HISTORY_LIMIT }, (_, i) => big(i)));
    assert.ok(bytes(enc) <= HISTORY_BUDGET);
    assert.equal(decodeHistory(enc)[0].id, `${label63}-0`, 'the newest entry is kept');
  });

  test('the planner records a bounded actor and image, and its plan state is what it records', () => {
    const actor = 'A'.repeat(100_000);
    const p = run(
      svc(),
      revs(1),
      { kind: 'deploy', image: `img:${'v'.repeat(100_000)}` },
      { now: '2026-01-01T00:00:00Z', actor },
    );
    const raw = p.annotations['bgctl.dev/rollout'];
    assert.ok(raw && bytes(raw) <= RECORD_BUDGET);
    assert.deepEqual(p.state, decodeState(raw));
    assert.ok(jsonBytes(p.state?.image ?? '') <= FIELD_LIMITS.image);
    assert.ok(bytes(p.annotations['bgctl.dev/history'] ?? '') <= HISTORY_BUDGET);
  });
});
