import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelError, UsageError } from '../../src/core/errors.js';
import { IOStreams } from '../../src/ui/iostreams.js';
import { CANCEL, FakePrompter } from '../helpers/fake-prompter.js';

const revisions = [
  { value: 'hello-00001', name: 'hello-00001 (100%)' },
  { value: 'hello-00002', name: 'hello-00002 (0%)' },
  { value: 'hello-00003', disabled: 'not ready' },
];

describe('FakePrompter', () => {
  test('answers by message and records what was asked', async () => {
    const p = new FakePrompter({
      'Candidate revision': 'hello-00002',
      'Tag for the candidate': 'v2',
      Percent: 50,
      'Proceed?': true,
    });
    assert.equal(await p.select('Candidate revision', revisions), 'hello-00002');
    assert.equal(await p.input('Tag for the candidate'), 'v2');
    assert.equal(await p.number('Percent', { min: 0, max: 100 }), 50);
    assert.equal(await p.confirm('Proceed?'), true);
    assert.deepEqual(
      p.asked.map((a) => `${a.kind}:${a.message}`),
      ['select:Candidate revision', 'input:Tag for the candidate', 'number:Percent', 'confirm:Proceed?'],
    );
    p.assertAllConsumed();
  });

  test('throws on a prompt it has no answer for', async () => {
    const p = new FakePrompter({ 'Proceed?': true });
    await assert.rejects(
      p.confirm('Delete everything?'),
      /unexpected confirm prompt "Delete everything\?".*"Proceed\?"/,
    );
  });

  test('reports unconsumed answers', () => {
    const p = new FakePrompter([
      ['Proceed?', true],
      ['Proceed?', false],
      ['Tag', 'v2'],
    ]);
    assert.deepEqual(p.unconsumed(), ['Proceed? (x2)', 'Tag']);
    assert.throws(() => p.assertAllConsumed(), /never asked: "Proceed\? \(x2\)", "Tag"/);
  });

  test('repeated messages take answers in order, then run out', async () => {
    const p = new FakePrompter([
      ['Proceed?', true],
      ['Proceed?', false],
    ]);
    assert.equal(await p.confirm('Proceed?'), true);
    assert.equal(await p.confirm('Proceed?'), false);
    await assert.rejects(p.confirm('Proceed?'), /unexpected confirm/);
  });

  test('a select answer must be an enabled choice', async () => {
    await assert.rejects(new FakePrompter({ R: 'hello-00009' }).select('R', revisions), /not among the choices/);
    await assert.rejects(new FakePrompter({ R: 'hello-00003' }).select('R', revisions), /disabled/);
  });

  test('search answers are checked against the full list', async () => {
    const source = (term: string | undefined) => revisions.filter((r) => !term || r.value.includes(term));
    assert.equal(await new FakePrompter({ S: 'hello-00001' }).search('S', source), 'hello-00001');
    await assert.rejects(new FakePrompter({ S: 'nope' }).search('S', source), /not among the choices/);
  });

  test('input and number answers must pass the prompt validation', async () => {
    const validate = (v: string) => (/^[a-z0-9-]+$/.test(v) ? true : 'lower-case letters, digits and dashes');
    await assert.rejects(new FakePrompter({ Tag: 'V 2' }).input('Tag', { validate }), /fails validation: lower-case/);
    await assert.rejects(
      new FakePrompter({ Percent: 150 }).number('Percent', { min: 0, max: 100 }),
      /outside \[0, 100\]/,
    );
    await assert.rejects(new FakePrompter({ Proceed: 'yes' }).confirm('Proceed'), /needs a boolean/);
  });

  test('CANCEL simulates Ctrl-C', async () => {
    await assert.rejects(new FakePrompter({ 'Proceed?': CANCEL }).confirm('Proceed?'), CancelError);
  });

  test('with io and no terminal, prompting is an error like the real prompter', async () => {
    const p = new FakePrompter({ 'Proceed?': true }, { io: IOStreams.test() });
    await assert.rejects(p.confirm('Proceed?'), UsageError);
  });
});
