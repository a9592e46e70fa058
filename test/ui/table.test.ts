import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createColorScheme, loadColorSupport, stripAnsi } from '../../src/ui/colors.js';
import { IOStreams } from '../../src/ui/iostreams.js';
import { printTable, renderTable, truncate, type Column } from '../../src/ui/table.js';

// chalk is loaded lazily (src/ui/colors.ts); colored schemes need it loaded first.
await loadColorSupport();

const columns: Column[] = [{ header: 'name' }, { header: 'ready' }, { header: 'traffic', align: 'right' }, { header: 'url', truncate: true }];
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

  test('never truncates below the minimum width', () => {
    const out = renderTable(columns, rows, { maxWidth: 10 });
    assert.ok(out.includes('hello-00002   Unknown        0%   http://…\n'), out);
  });

  test('styles are applied after layout so columns stay aligned', () => {
    const c = createColorScheme(1);
    const styled = renderTable(columns, rows.map((r) => [r[0], { text: r[1], style: c.success }, r[2], r[3]]), { headerStyle: c.bold });
    assert.notEqual(styled, renderTable(columns, rows));
    assert.equal(stripAnsi(styled), renderTable(columns, rows));
  });

  test('truncate helper', () => {
    assert.equal(truncate('abcdef', 10), 'abcdef');
    assert.equal(truncate('abcdef', 4), 'abc…');
    assert.equal(truncate('abcdef', 1), 'a');
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
