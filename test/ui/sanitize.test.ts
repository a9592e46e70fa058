import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createColorScheme, loadColorSupport, stripAnsi } from '../../src/ui/colors.js';
import { printable } from '../../src/ui/sanitize.js';
import { renderTable } from '../../src/ui/table.js';
import { renderTraffic } from '../../src/ui/traffic-table.js';
import { IOStreams } from '../../src/ui/iostreams.js';
import { startProgress } from '../../src/ui/progress.js';

await loadColorSupport();

// Every character a terminal acts on: C0, DEL, C1, and the bidi/line-separator marks.
// eslint-disable-next-line no-control-regex
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('printable', () => {
  test('terminal sequences become visible escapes', () => {
    assert.equal(printable('\x1b]0;pwned\x07\x1b[2J'), '\\x1b]0;pwned\\x07\\x1b[2J');
    assert.equal(printable('a\nforged row\r\tb'), 'a\\nforged row\\r\\tb');
    assert.equal(printable('\x00\x7f\x80\x9b\x9f'), '\\x00\\x7f\\x80\\x9b\\x9f');
  });

  test('bidi overrides, isolates and line separators are escaped as \\uXXXX', () => {
    assert.equal(printable('gnp.\u202eexe'), 'gnp.\\u202eexe');
    for (const cp of [
      0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x2028, 0x2029, 0x200e, 0x200f, 0x061c,
    ]) {
      const s = printable(`x${String.fromCodePoint(cp)}y`);
      assert.equal(s, `x\\u${cp.toString(16).padStart(4, '0')}y`);
    }
  });

  test('ordinary text, Unicode and backslashes pass unchanged', () => {
    for (const s of ['ghcr.io/bgctl/hello:v2', 'héllo wörld → ✓ █░', 'C:\\path\\x1b', '日本語', ''])
      assert.equal(printable(s), s);
  });

  test('no character of U+0000..U+FFFF that a terminal acts on survives', () => {
    let all = '';
    for (let cp = 0; cp <= 0xffff; cp++) if (cp < 0xd800 || cp > 0xdfff) all += String.fromCharCode(cp);
    assert.doesNotMatch(printable(all), ACTIVE);
  });
});

describe('printers escape cluster strings', () => {
  test('a table cell cannot forge a row or carry an escape; widths follow the escaped text', () => {
    const out = renderTable(
      [{ header: 'name' }, { header: 'by' }],
      [
        ['a', 'x\nb   forged'],
        ['\x1b[2Jc', 'y'],
      ],
    );
    assert.equal(out.split('\n').length, 4);
    for (const l of out.split('\n')) assert.doesNotMatch(l, ACTIVE);
    assert.equal(out, ['NAME       BY', 'a          x\\nb   forged', '\\x1b[2Jc   y', ''].join('\n'));
  });

  test('colors are applied after escaping: the style sees the escaped text, its own codes survive', () => {
    const c = createColorScheme(1);
    const out = renderTable([{ header: 'phase' }], [[{ text: 'ok\x07', style: c.success }]], { headerStyle: c.bold });
    // eslint-disable-next-line no-control-regex
    assert.match(out, /\u001b\[32mok\\x07\u001b\[39m/);
    assert.equal(stripAnsi(out), 'PHASE\nok\\x07\n');
  });

  test('traffic table: a tag and URL with escapes stay on their row', () => {
    const out = renderTraffic([{ revisionName: 'r-1', tag: 'x\x1b]0;t\x07', percent: 100, url: 'http://a\nb' }]);
    assert.equal(out.split('\n').length, 3);
    assert.match(out, /x\\x1b\]0;t\\x07/);
    assert.match(out, /http:\/\/a\\nb/);
  });

  test('progress lines (pipe form) escape the label, the detail and the final text', async () => {
    const io = IOStreams.test({ env: { NO_COLOR: '1' } });
    const p = await startProgress(io, 'Waiting for \x1b[2J');
    p.update('message\r\nforged');
    p.log('note\x07');
    p.fail('failed \u202eevil');
    const q = await startProgress(io, 'Waiting again');
    q.update('message\r\nforged');
    q.fail();
    assert.equal(
      io.stderr,
      [
        'Waiting for \\x1b[2J',
        'note\\x07',
        '✗ failed \\u202eevil',
        'Waiting again',
        '✗ Waiting again: message\\r\\nforged',
        '',
      ].join('\n'),
    );
  });
});
