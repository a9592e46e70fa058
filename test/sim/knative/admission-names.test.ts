import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  nameIsDNS1035Label,
  nameIsDNSSubdomain,
} from '../../../src/sim/knative/admission/k8s-names.js';
import { parseGoDuration } from '../../../src/sim/knative/admission/go-duration.js';

const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const QNAME =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe('k8s name validation messages', () => {
  const cases: Array<{ name: string; fn: (v: string) => string[]; value: string; want: string[] }> = [
    { name: 'dns1035 ok', fn: isDNS1035Label, value: 'hello-1', want: [] },
    { name: 'dns1035 leading digit', fn: isDNS1035Label, value: '1hello', want: [DNS1035] },
    { name: 'dns1035 uppercase', fn: isDNS1035Label, value: 'Hello', want: [DNS1035] },
    { name: 'dns1035 trailing dash', fn: isDNS1035Label, value: 'hello-', want: [DNS1035] },
    { name: 'dns1035 empty', fn: isDNS1035Label, value: '', want: [DNS1035] },
    {
      name: 'dns1035 64 chars valid pattern',
      fn: isDNS1035Label,
      value: 'a'.repeat(64),
      want: ['must be no more than 63 characters'],
    },
    { name: 'dns1035 63 chars', fn: isDNS1035Label, value: 'a'.repeat(63), want: [] },
    {
      name: 'dns1035 too long and bad',
      fn: isDNS1035Label,
      value: 'A'.repeat(64),
      want: ['must be no more than 63 characters', DNS1035],
    },
    { name: 'dns1123 label digit start ok', fn: isDNS1123Label, value: '1abc', want: [] },
    { name: 'dns1123 label dot', fn: isDNS1123Label, value: 'a.b', want: [DNS1123_LABEL] },
    { name: 'subdomain ok', fn: isDNS1123Subdomain, value: 'example.com', want: [] },
    { name: 'subdomain bad', fn: isDNS1123Subdomain, value: 'Example.com', want: [SUBDOMAIN] },
    {
      name: 'subdomain too long',
      fn: isDNS1123Subdomain,
      value: 'a'.repeat(254),
      want: ['must be no more than 253 characters'],
    },
    { name: 'qualified ok uppercase', fn: isQualifiedName, value: 'Hello-00001', want: [] },
    { name: 'qualified ok with prefix', fn: isQualifiedName, value: 'example.com/My_name', want: [] },
    { name: 'qualified bad end', fn: isQualifiedName, value: 'hello-', want: [`name part ${QNAME}`] },
    {
      name: 'qualified too long',
      fn: isQualifiedName,
      value: 'a'.repeat(64),
      want: ['name part must be no more than 63 characters'],
    },
    { name: 'qualified empty prefix', fn: isQualifiedName, value: '/abc', want: ['prefix part must be non-empty'] },
    { name: 'qualified bad prefix', fn: isQualifiedName, value: 'Ex/abc', want: [`prefix part ${SUBDOMAIN}`] },
    {
      name: 'qualified empty name',
      fn: isQualifiedName,
      value: 'a/',
      want: ['name part must be non-empty', `name part ${QNAME}`],
    },
    {
      name: 'qualified two slashes',
      fn: isQualifiedName,
      value: 'a/b/c',
      want: [`a qualified name ${QNAME} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
    },
    {
      name: "qualified two slashes, as Knative's webhook (apimachinery v0.35) words it",
      fn: (v: string) => isQualifiedName(v, 'webhook'),
      value: 'a/b/c',
      want: [`a valid label key ${QNAME} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(c.fn(c.value), c.want));

  test('generateName prefixes may end in a dash (with the apimachinery two-character mask)', () => {
    assert.deepEqual(nameIsDNS1035Label('hello-', true), []);
    assert.deepEqual(nameIsDNS1035Label('hello-', false), [DNS1035]);
    // "a-" is masked to "a": valid. "1-" is masked to "a" too, since Go drops two characters.
    assert.deepEqual(nameIsDNS1035Label('1-', true), []);
    assert.deepEqual(nameIsDNSSubdomain('x.y-', true), []);
  });
});

describe('Go duration parsing', () => {
  const s = 1_000_000_000n;
  const cases: Array<[string, bigint | undefined]> = [
    ['0', 0n],
    ['10s', 10n * s],
    ['1m30s', 90n * s],
    ['2h45m', (2n * 3600n + 45n * 60n) * s],
    ['1.5s', 1_500_000_000n],
    ['.5s', 500_000_000n],
    ['300ms', 300_000_000n],
    ['1µs', 1_000n],
    ['-1s', -s],
    ['+1s', s],
    ['10', undefined],
    ['', undefined],
    ['1x', undefined],
    ['s', undefined],
    ['.s', undefined],
    ['1s2', undefined],
  ];
  for (const [input, want] of cases) test(JSON.stringify(input), () => assert.equal(parseGoDuration(input), want));
});
