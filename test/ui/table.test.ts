import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createColorScheme, loadColorSupport, stripAnsi } from '../../src/ui/colors.js';
import { IOStreams } from '../../src/ui/iostreams.js';
import { printTable, renderTable, truncate, type Column } from '../../src/ui/table.js';
import { cutToWidth, displayWidth } from '../../src/ui/text-width.js';

// chalk is loaded lazily (src/ui/colors.ts); colored schemes need it loaded first.
await loadColorSupport();

const columns: Column[] = [
  { header: 'name' },
  { header: 'ready' },
  { header: 'traffic', align: 'right' },
  { header: 'url', cut: 'late' },
];
const rows = [
  ['hello-00001', 'True', '100%', 'http://hello.default.example.com'],
  ['hello-00002', 'Unknown', '0%', 'http://v2-hello.default.example.com'],
];

describe('renderTable', () => {
  test('kubectl layout: upper-case headers, three spaces, right alignment, no trailing blanks', () => {
    assert.equal(
      renderTable(columns, rows),
      [
        'NAME          READY     TRAFFIC   URL',
        'hello-00001   True         100%   http://hello.default.example.com',
        'hello-00002   Unknown        0%   http://v2-hello.default.example.com',
        '',
      ].join('\n'),
    );
  });

  test('only a header when there are no rows', () => {
    assert.equal(renderTable(columns, []), 'NAME   READY   TRAFFIC   URL\n');
  });

  test('truncates only truncatable columns to fit, with an ellipsis', () => {
    const out = renderTable(columns, rows, { maxWidth: 50 });
    for (const line of out.trimEnd().split('\n')) assert.ok(line.length <= 50, `${line.length}: ${line}`);
    assert.ok(out.includes('\nhello-00001   True         100%   http://hello.de…\n'), out);
    assert.equal(out.split('\n')[2].length, 50);
    assert.match(renderTable(columns, rows, { maxWidth: 50, unicode: false }), /http:\/\/v2-hello~\n/);
  });

  test('cuts a column no further than its minimum width while the row fits', () => {
    const out = renderTable(columns, rows, { maxWidth: 42 });
    assert.ok(out.includes('hello-00002   Unknown        0%   http://…\n'), out);
  });

  test('early columns are cut before late ones (URLs last), widest first', () => {
    const cols: Column[] = [
      { header: 'name' },
      { header: 'reason', cut: 'early' },
      { header: 'url', cut: 'late', minWidth: 16 },
    ];
    const url = 'http://hello.default.' + 'x'.repeat(40) + '.example.com';
    const reason = 'ContainerMissing: image ' + 'y'.repeat(40) + ' not found';
    // The reason alone has to give way: the URL stays whole.
    const wide = renderTable(cols, [['hello-00001', reason, url]], { maxWidth: 11 + 3 + 8 + 3 + url.length });
    assert.ok(wide.includes(`   ContainerM…   ${url}\n`) || wide.includes(`   Contain…   ${url}\n`), wide);
    // Narrower: the reason is at its minimum, then the URL is cut too.
    const narrow = renderTable(cols, [['hello-00001', reason, url]], { maxWidth: 50 });
    assert.equal(narrow.split('\n')[1], `hello-00001   Contain…   ${url.slice(0, 24)}…`);
  });

  test('a terminal too narrow for the uncut columns: cut at the right edge, nothing wraps', () => {
    for (const maxWidth of [40, 30, 20, 10, 3]) {
      const out = renderTable(columns, rows, { maxWidth });
      for (const l of out.trimEnd().split('\n')) assert.ok(l.length <= maxWidth, `${maxWidth}: ${l}`);
    }
    assert.equal(renderTable(columns, rows, { maxWidth: 30 }).split('\n')[2], 'hello-00002   Unknown       0%');
    assert.equal(renderTable(columns, rows, { maxWidth: 22 }).split('\n')[2], 'hello-00002   Unknown');
    assert.equal(renderTable(columns, rows, { maxWidth: 20 }).split('\n')[2], 'hello-00002   Unkno…');
  });

  test('widths count what is printed: escaped control characters, wide characters, not colors', () => {
    const cols: Column[] = [{ header: 'name' }, { header: 'message', cut: 'early' }];
    const c = createColorScheme(1);
    const cells = [
      ['a', { text: 'line\nbreak \u001b[31mred', style: c.fail }],
      ['b', { text: '镜像拉取失败，请检查镜像名称和凭据', style: c.warn }],
    ];
    const out = renderTable(cols, cells, { maxWidth: 24, headerStyle: c.bold });
    assert.notEqual(out, stripAnsi(out), 'colored');
    const shown = stripAnsi(out).trimEnd().split('\n');
    assert.equal(shown[1], 'a      line\\nbreak \\x1b…');
    assert.equal(shown[2], 'b      镜像拉取失败，请…');
    for (const l of shown) assert.ok(displayWidth(l) <= 24, l);
  });

  test('a column cut from its start keeps the end (images keep their tag)', () => {
    const cols: Column[] = [{ header: 'name' }, { header: 'image', cut: 'late', cutFrom: 'start', minWidth: 10 }];
    const out = renderTable(cols, [['hello-00001', 'registry.example.com/team/hello:v2.1.0']], { maxWidth: 30 });
    assert.equal(out.split('\n')[1], 'hello-00001   …am/hello:v2.1.0');
  });

  test('styles are applied after layout so columns stay aligned', () => {
    const c = createColorScheme(1);
    const styled = renderTable(
      columns,
      rows.map((r) => [r[0], { text: r[1], style: c.success }, r[2], r[3]]),
      { headerStyle: c.bold },
    );
    assert.notEqual(styled, renderTable(columns, rows));
    assert.equal(stripAnsi(styled), renderTable(columns, rows));
  });

  test('truncate helper', () => {
    assert.equal(truncate('abcdef', 10), 'abcdef');
    assert.equal(truncate('abcdef', 4), 'abc…');
    assert.equal(truncate('abcdef', 1), 'a');
    assert.equal(cutToWidth('abcdef', 4, '…', 'start'), '…def');
    assert.equal(cutToWidth('日本語です', 5), '日本…');
    assert.equal(cutToWidth('e\u0301e\u0301e\u0301', 2), 'e\u0301…');
    assert.equal(displayWidth('日本'), 4);
    assert.equal(displayWidth('e\u0301'), 1);
    assert.equal(displayWidth('🚀 go'), 5);
  });
});

describe('printTable', () => {
  const long = [['hello-00001', 'True', '100%', 'http://' + 'x'.repeat(100) + '.example.com']];
  test('fits the terminal on a TTY', () => {
    const io = IOStreams.test({ stdoutTTY: true, width: 60 });
    printTable(io, columns, long);
    assert.ok(io.stdout.split('\n').every((l) => l.length <= 60));
    assert.match(io.stdout, /…/);
    assert.equal(io.stderr, '');
  });
  test('never truncates in a pipe', () => {
    const io = IOStreams.test({ stdoutTTY: false, width: 60 });
    printTable(io, columns, long);
    assert.ok(io.stdout.includes(long[0][3]));
  });
});
