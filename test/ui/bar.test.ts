import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { filledCells, percentBar, percentText } from '../../src/ui/bar.js';
import { createColorScheme, loadColorSupport, stripAnsi } from '../../src/ui/colors.js';

// chalk is loaded lazily (src/ui/colors.ts); colored schemes need it loaded first.
await loadColorSupport();

describe('percentBar', () => {
  test('20 cells by default, ASCII or Unicode glyphs', () => {
    assert.equal(percentBar(50, { unicode: false }), '##########..........');
    assert.equal(percentBar(50, { unicode: true }), '██████████░░░░░░░░░░');
    assert.equal(percentBar(0, { unicode: false }), '....................');
    assert.equal(percentBar(100, { unicode: false }), '####################');
    assert.equal(percentBar(undefined, { unicode: false, width: 4 }), '....');
  });

  test('a small share is visible and a large one is not mistaken for all', () => {
    assert.equal(filledCells(1, 20), 1);
    assert.equal(filledCells(99, 20), 19);
    assert.equal(filledCells(2.5, 20), 1);
    assert.equal(filledCells(25, 20), 5);
    assert.equal(filledCells(-10, 20), 0);
    assert.equal(filledCells(250, 20), 20);
    assert.equal(filledCells(Number.NaN, 20), 0);
  });

  test('color tints without changing the text', () => {
    const colored = percentBar(30, { unicode: true, colors: createColorScheme(1) });
    assert.notEqual(colored, percentBar(30, { unicode: true }));
    assert.equal(stripAnsi(colored), percentBar(30, { unicode: true }));
    assert.equal(percentBar(30, { unicode: true, colors: createColorScheme(0) }), percentBar(30, { unicode: true }));
  });

  test('percentText is right-aligned to 4', () => {
    assert.deepEqual([0, 5, 50, 100, undefined].map(percentText), ['  0%', '  5%', ' 50%', '100%', '  0%']);
  });
});
