import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrafficTarget } from '../../src/core/knative-types.js';
import { createColorScheme, loadColorSupport, stripAnsi } from '../../src/ui/colors.js';
import { IOStreams } from '../../src/ui/iostreams.js';
import {
  printTraffic,
  printTrafficPlan,
  renderTraffic,
  renderTrafficPlan,
  revisionLabel,
  type Readiness,
} from '../../src/ui/traffic-table.js';
import { after, before } from '../helpers/traffic-fixtures.js';

// chalk is loaded lazily (src/ui/colors.ts); colored schemes need it loaded first.
await loadColorSupport();

const readiness: Readiness = { 'hello-00001': 'True', 'hello-00002': 'Unknown', 'hello-00003': 'False' };
const status: TrafficTarget[] = [
  { revisionName: 'hello-00001', percent: 90, tag: 'blue', url: 'http://blue-hello.default.example.com' },
  { revisionName: 'hello-00002', percent: 10, tag: 'v2', url: 'http://v2-hello.default.example.com' },
  { revisionName: 'hello-00003', latestRevision: true, percent: 0 },
];

const lines = (...l: string[]) => l.map((x) => x + '\n').join('');

describe('renderTraffic (golden, color off)', () => {
  test('status targets', () => {
    assert.equal(
      renderTraffic(status, { readiness }),
      lines(
        'REVISION                TAG    TRAFFIC                     READY     URL',
        'hello-00001             blue   ##################..  90%   True      http://blue-hello.default.example.com',
        'hello-00002             v2     ##..................  10%   Unknown   http://v2-hello.default.example.com',
        '@latest (hello-00003)   -      ....................   0%   False     -',
      ),
    );
  });

  test('an unresolved @latest target and an unknown revision', () => {
    assert.equal(
      renderTraffic([{ latestRevision: true, percent: 100 }, { revisionName: 'gone-00009' }], { readiness }),
      lines(
        'REVISION     TAG   TRAFFIC                     READY   URL',
        '@latest      -     #################### 100%   -       -',
        'gone-00009   -     ....................   0%   -       -',
      ),
    );
  });

  test('unicode bars on a terminal', () => {
    const out = renderTraffic(status.slice(0, 1), { readiness, unicode: true });
    assert.ok(out.includes('blue   ██████████████████░░  90%   True'), out);
  });

  test('color changes only escape codes', () => {
    const plain = renderTraffic(status, { readiness, unicode: true });
    const colored = renderTraffic(status, { readiness, unicode: true, colors: createColorScheme(1) });
    assert.notEqual(colored, plain);
    assert.equal(stripAnsi(colored), plain);
  });

  test('a narrower terminal: the bar narrows (20, 10 cells, then none) before a URL is cut', () => {
    const at = (maxWidth: number) => renderTraffic(status, { readiness, maxWidth });
    assert.equal(at(106), renderTraffic(status, { readiness }), 'room for the whole table');
    assert.match(at(105), /^hello-00001 +blue +#########\. +90% +True +http:\/\/blue-hello\.default\.example\.com$/m);
    assert.match(at(95), /^hello-00001 +blue +90% +True +http:\/\/blue-hello\.default\.example\.com$/m);
    for (const maxWidth of [80, 40]) {
      const out = at(maxWidth);
      assert.ok(
        out
          .trimEnd()
          .split('\n')
          .every((l) => l.length <= maxWidth),
        out,
      );
    }
    assert.match(
      at(88),
      /^hello-00001 +blue +90% +True +http:\/\/blue-hello\.default\.example\.com$/m,
      'no bar, whole URLs',
    );
    assert.match(at(80), /^hello-00001 +blue +90% +True +http:\/\/blue-hello\.default\.ex…$/m, 'then the URL is cut');
  });

  test('colored bars are colored only when whole: a cut cell is plain and still fits', () => {
    const colors = createColorScheme(1);
    const out = renderTraffic(status, { readiness, colors, barWidth: 20, maxWidth: 40, unicode: true });
    assert.ok(
      stripAnsi(out)
        .trimEnd()
        .split('\n')
        .every((l) => l.length <= 40),
      stripAnsi(out),
    );
  });
});

describe('renderTrafficPlan (golden, color off)', () => {
  test('split with a re-tag, an added @latest tag and a removed target', () => {
    assert.equal(
      renderTrafficPlan(before, after, { readiness, latestRevisionName: 'hello-00003' }),
      lines(
        '    REVISION                TAG         BEFORE   AFTER                       READY',
        '~   hello-00001             - -> blue     100%   ##########..........  50%   True',
        '~   hello-00002             v2              0%   ##########..........  50%   Unknown',
        '+   @latest (hello-00003)   latest           -   ....................   0%   False',
        '-   hello-00000             old             0%   -                           -',
      ),
    );
  });

  test('no change', () => {
    assert.equal(
      renderTrafficPlan(before.slice(0, 2), before.slice(0, 2), { readiness }),
      lines(
        '    REVISION      TAG   BEFORE   AFTER                       READY',
        '    hello-00001   -       100%   #################### 100%   True',
        '    hello-00002   v2        0%   ....................   0%   Unknown',
      ),
    );
  });

  test('color highlights changed rows without changing the text', () => {
    const c = createColorScheme(1);
    const plain = renderTrafficPlan(before, after, { readiness, unicode: true });
    const colored = renderTrafficPlan(before, after, { readiness, unicode: true, colors: c });
    assert.equal(stripAnsi(colored), plain);
    assert.ok(colored.includes(c.success('+')) && colored.includes(c.fail('-')) && colored.includes(c.warn('~')));
    assert.match(plain, /- → blue/);
  });
});

describe('print helpers use the IOStreams policy', () => {
  test('pipe: ASCII, no color, no truncation, on stdout', () => {
    const io = IOStreams.test({ stdoutTTY: false, width: 40 });
    printTraffic(io, status, { readiness });
    assert.equal(io.stdout, renderTraffic(status, { readiness }));
    assert.equal(io.stderr, '');
  });

  test('terminal: Unicode, fitted to width', () => {
    const io = IOStreams.test({ stdoutTTY: true, width: 110 });
    printTraffic(io, status, { readiness });
    assert.match(io.stdout, /█/);
    assert.ok(io.stdout.split('\n').every((l) => l.length <= 110));
    const narrow = IOStreams.test({ stdoutTTY: true, width: 40 });
    printTraffic(narrow, status, { readiness });
    assert.ok(
      narrow.stdout
        .trimEnd()
        .split('\n')
        .every((l) => l.length <= 40),
      narrow.stdout,
    );
  });

  test('a plan shown before a confirmation goes to stderr', () => {
    const io = IOStreams.test();
    printTrafficPlan(io, before, after, { readiness, stream: 'err' });
    assert.equal(io.stdout, '');
    assert.equal(io.stderr, renderTrafficPlan(before, after, { readiness }));
  });
});

test('revisionLabel', () => {
  assert.equal(revisionLabel({ revisionName: 'a' }), 'a');
  assert.equal(revisionLabel({ latestRevision: true }), '@latest');
  assert.equal(revisionLabel({ latestRevision: true }, 'b'), '@latest (b)');
  assert.equal(revisionLabel({ latestRevision: true, revisionName: 'c' }, 'b'), '@latest (c)');
});
