import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import yaml from 'js-yaml';
import { UsageError } from '../../src/core/errors.js';
import { IOStreams } from '../../src/ui/iostreams.js';
import { BGCTL_API_VERSION, document } from '../../src/core/document.js';
import { parseOutputFormat, renderJSON, renderYAML, writeDocument } from '../../src/ui/document.js';

const shared = { revisionName: 'hello-00002', percent: 50 };
const doc = document('Status', {
  service: 'hello',
  traffic: [shared, { ...shared, tag: 'v2', percent: 0, url: undefined }],
  also: shared,
});

describe('documents', () => {
  test('envelope puts apiVersion and kind first', () => {
    assert.deepEqual(Object.keys(doc).slice(0, 2), ['apiVersion', 'kind']);
    assert.equal(doc.apiVersion, BGCTL_API_VERSION);
    assert.equal(BGCTL_API_VERSION, 'bgctl.dev/v1');
  });

  test('JSON: one document, 2-space indent, trailing newline, undefined dropped', () => {
    const io = IOStreams.test();
    writeDocument(io, 'json', doc);
    assert.equal(io.stderr, '');
    assert.ok(io.stdout.endsWith('}\n') && !io.stdout.endsWith('\n\n'));
    assert.match(io.stdout, /^\{\n {2}"apiVersion": "bgctl.dev\/v1",\n {2}"kind": "Status",/);
    const parsed = JSON.parse(io.stdout);
    assert.equal(parsed.traffic[1].tag, 'v2');
    assert.equal('url' in parsed.traffic[1], false);
  });

  test('YAML: sorted keys, no anchors for repeated objects, same data as JSON', () => {
    const out = renderYAML(doc);
    assert.doesNotMatch(out, /[&*]ref_/);
    assert.deepEqual(yaml.load(out), JSON.parse(renderJSON(doc)));
    const top = out
      .split('\n')
      .filter((l) => /^[a-z]/i.test(l))
      .map((l) => l.split(':')[0]);
    assert.deepEqual(top, [...top].sort());
    assert.deepEqual(top, ['also', 'apiVersion', 'kind', 'service', 'traffic']);
    assert.match(out, /- percent: 50\n {4}revisionName: hello-00002\n/);
  });

  test('long strings are not folded', () => {
    const url = 'http://' + 'a'.repeat(150) + '.example.com';
    assert.ok(renderYAML(document('X', { url })).includes(`url: ${url}\n`));
  });

  test('a document without apiVersion/kind is refused', () => {
    assert.throws(() => renderJSON({ kind: 'X' } as never), TypeError);
  });

  test('parseOutputFormat', () => {
    assert.equal(parseOutputFormat(undefined), 'table');
    assert.equal(parseOutputFormat('JSON'), 'json');
    assert.equal(parseOutputFormat('yaml'), 'yaml');
    assert.throws(
      () => parseOutputFormat('xml'),
      (e: unknown) => e instanceof UsageError && /table, json, yaml/.test(e.message),
    );
  });
});
