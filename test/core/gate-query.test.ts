import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/core/errors.js';
import {
  escapePromQLString,
  parseGateQuery,
  renderQuery,
  validateTemplate,
  windowToPromQL,
} from '../../src/core/gates/query.js';

function usage(fn: () => unknown, message: RegExp): UsageError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof UsageError, `expected a UsageError, got ${String(caught)}`);
  assert.equal(caught.reason, 'InvalidGateQuery');
  assert.match(caught.message, message);
  return caught;
}

const Q = 'sum(rate(errs_total{namespace="{{namespace}}",revision="{{revision}}"}[{{window}}]))';
const ctx = { namespace: 'default', service: 'hello', revision: 'hello-00002', windowMs: 300_000 };

describe('--gate-query NAME=PROMQL', () => {
  test('name and template; the query may contain =', () => {
    assert.deepEqual(parseGateQuery(`errors=${Q}`), { name: 'errors', template: Q });
    assert.deepEqual(parseGateQuery(' q_1 = x{revision="{{ revision }}"} == 1'), {
      name: 'q_1',
      template: 'x{revision="{{ revision }}"} == 1',
    });
  });

  const badNames: Array<[string, RegExp]> = [
    ['error-rate', /"error-rate" is a built-in name/],
    ['requests', /built-in name/],
    ['latency-p99', /built-in name/],
    ['stable', /built-in name/],
    ['', /name ""/],
    ['Errors', /name "Errors"/],
    ['1errors', /name/],
    ['errors-', /name/],
    ['err ors', /name/],
    ['a'.repeat(64), /name/],
  ];
  for (const [name, message] of badNames) {
    test(`refuses the name ${JSON.stringify(name.slice(0, 20))}`, () => {
      usage(() => parseGateQuery(`${name}=${Q}`), message);
    });
  }
  test('accepts a 63-character name', () => assert.equal(parseGateQuery(`${'a'.repeat(63)}=${Q}`).name.length, 63));

  test('refuses a flag without =', () => void usage(() => parseGateQuery('errors'), /expected NAME=PROMQL/));
  test('a reserved-name error suggests another name', () => {
    assert.match(usage(() => parseGateQuery(`requests=${Q}`), /built-in/).hint ?? '', /reserved: error-rate/);
  });
});

describe('query templates', () => {
  const bad: Array<[string, string, RegExp]> = [
    ['empty', '', /empty/],
    ['no revision', 'sum(rate(x[{{window}}]))', /does not use \{\{revision\}\}/],
    ['unknown placeholder', 'x{revision="{{revision}}",pod="{{pod}}"}', /unknown placeholder \{\{pod\}\}/],
    ['unclosed placeholder', 'x{revision="{{revision"}', /without a closing/],
    ['revision unquoted', 'x{revision={{revision}}}', /must be inside a double-quoted string/],
    ['revision in single quotes', "x{revision='{{revision}}'}", /double-quoted/],
    ['revision in backquotes', 'x{revision=`{{revision}}`}', /double-quoted/],
    ['revision in a regex matcher', 'x{revision=~"{{revision}}"}', /regex matcher/],
    ['namespace in a negative regex', 'x{revision="{{revision}}",ns!~ "{{namespace}}"}', /regex matcher/],
    ['a comment between =~ and the string', 'x{revision=~ # c\n"{{revision}}"}', /regex matcher/],
    ['comments and newlines before a !~ string', 'x{revision="{{revision}}",ns!~#a\n#b\n "{{namespace}}"}', /regex/],
    ['window in a string', 'x{revision="{{revision}}",w="{{window}}"}', /outside strings/],
    ['unterminated string', 'x{revision="{{revision}}}', /unterminated " string/],
    ['control character', 'x{revision="{{revision}}"}\x1b[2J', /control characters/],
    ['too long', `x{revision="{{revision}}"} + ${'1+'.repeat(3000)}1`, /longer than 4096/],
  ];
  for (const [name, template, message] of bad) {
    test(`refuses: ${name}`, () => void usage(() => validateTemplate(template, 'q'), message));
  }

  test('accepts newlines, tabs, comments and escaped quotes', () => {
    const t = '# don\'t count probes\nsum(rate(x{a="q\\"x",\trevision="{{revision}}"}[{{window}}]))';
    assert.equal(validateTemplate(t, 'q'), t);
  });

  test('the error quotes the query name, bounded and escaped', () => {
    const err = usage(() => parseGateQuery(`${'z'.repeat(20)}=x{pod="{{pod}}"}`), /unknown placeholder/);
    assert.match(err.message, /^invalid --gate-query "z{20}"/);
    assert.ok(err.hint?.includes('{{namespace}} {{service}} {{revision}} {{window}}'));
  });
});

describe('rendering', () => {
  test('fills every placeholder', () => {
    assert.equal(
      renderQuery('x{ns="{{namespace}}",svc="{{ service }}",revision="{{revision}}"}[{{window}}]', ctx),
      'x{ns="default",svc="hello",revision="hello-00002"}[300s]',
    );
  });

  test('a hostile revision name stays a label value', () => {
    const revision = 'x"} or vector(1) or x{a="\\\n\x1b';
    const out = renderQuery(Q, { ...ctx, revision });
    assert.equal(
      out,
      Q.replace('{{namespace}}', 'default')
        .replace('{{window}}', '300s')
        .replace('{{revision}}', 'x\\"} or vector(1) or x{a=\\"\\\\\\n\\x1b'),
    );
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(out, /[\u0000-\u001f]/);
  });

  test('escapePromQLString uses Go escapes', () => {
    assert.equal(escapePromQLString('a\\b"c\nd\re\tf\x00g\x7f'), 'a\\\\b\\"c\\nd\\re\\tf\\x00g\\x7f');
    assert.equal(escapePromQLString('héllo-00001'), 'héllo-00001');
  });

  test('windows are whole seconds, at least one', () => {
    assert.equal(windowToPromQL(300_000), '300s');
    assert.equal(windowToPromQL(1500), '2s');
    assert.equal(windowToPromQL(1), '1s');
    assert.throws(() => windowToPromQL(0), RangeError);
    assert.throws(() => windowToPromQL(Number.NaN), RangeError);
  });
});
