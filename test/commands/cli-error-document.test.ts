// The Error document that -o json|yaml prints on stdout when a command fails (one document, always).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import yaml from 'js-yaml';
import { CommanderError } from 'commander';
import { ClusterAccessError, ConflictError, TimeoutError, UsageError } from '../../src/core/errors.js';
import { errorDocument, outputFormatFromArgv, writeErrorDocument } from '../../src/commands/error-document.js';
import { document } from '../../src/core/document.js';
import { writeDocument } from '../../src/ui/document.js';
import { IOStreams } from '../../src/ui/iostreams.js';

describe('errorDocument', () => {
  test('a typed error keeps its reason, message, hint and exit code', () => {
    const err = new ClusterAccessError('cannot read kubeconfig "/nope"', {
      reason: 'KubeconfigMissing',
      hint: 'set KUBECONFIG',
    });
    assert.deepEqual(errorDocument(err), {
      apiVersion: 'bgctl.dev/v1',
      kind: 'Error',
      reason: 'KubeconfigMissing',
      message: 'cannot read kubeconfig "/nope"',
      hint: 'set KUBECONFIG',
      exitCode: 4,
    });
  });

  test('exit codes of the other classes; no hint key without a hint', () => {
    assert.deepEqual(errorDocument(new ConflictError('changed', { reason: 'TrafficChanged' })), {
      apiVersion: 'bgctl.dev/v1',
      kind: 'Error',
      reason: 'TrafficChanged',
      message: 'changed',
      exitCode: 5,
    });
    assert.equal(errorDocument(new TimeoutError('slow')).exitCode, 6);
    assert.equal(errorDocument(new UsageError('bad')).reason, 'Usage');
  });

  test('a commander parse error is a usage error without the "error: " prefix', () => {
    const doc = errorDocument(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--bogus'"));
    assert.equal(doc.reason, 'UsageError');
    assert.equal(doc.message, "unknown option '--bogus'");
    assert.equal(doc.exitCode, 2);
  });

  test('anything else is a failure (exit 1)', () => {
    assert.deepEqual(errorDocument(new Error('boom')), {
      apiVersion: 'bgctl.dev/v1',
      kind: 'Error',
      reason: 'Failed',
      message: 'boom',
      exitCode: 1,
    });
    assert.equal(errorDocument('text').message, 'text');
  });
});

describe('writeErrorDocument', () => {
  const err = new ConflictError('the service changed', { reason: 'TrafficChanged', hint: 'run again' });

  test('json: exactly one parseable document on stdout, nothing on stderr', () => {
    const io = IOStreams.test();
    assert.equal(writeErrorDocument(io, 'json', err), true);
    assert.deepEqual(JSON.parse(io.stdout), {
      apiVersion: 'bgctl.dev/v1',
      kind: 'Error',
      reason: 'TrafficChanged',
      message: 'the service changed',
      hint: 'run again',
      exitCode: 5,
    });
    assert.equal(io.stderr, '');
  });

  test('yaml carries the same data', () => {
    const io = IOStreams.test();
    writeErrorDocument(io, 'yaml', err);
    assert.deepEqual(yaml.load(io.stdout), errorDocument(err));
  });

  test('table output and an unknown format print nothing', () => {
    for (const f of ['table', undefined] as const) {
      const io = IOStreams.test();
      assert.equal(writeErrorDocument(io, f, err), false);
      assert.equal(io.stdout, '');
    }
  });

  test('no second document after the command printed its own (verify fails after its result)', () => {
    const io = IOStreams.test();
    writeDocument(io, 'json', document('VerificationResult', { passed: false }));
    assert.equal(writeErrorDocument(io, 'json', err), false);
    assert.equal(JSON.parse(io.stdout).kind, 'VerificationResult');
  });
});

test('outputFormatFromArgv finds -o in every spelling, stops at --, ignores junk', () => {
  const cases: Array<[string[], string | undefined]> = [
    [['status', 'hello', '-o', 'json'], 'json'],
    [['-ojson', 'status'], 'json'],
    [['-o=yaml', 'status'], 'yaml'],
    [['status', '--output', 'yaml'], 'yaml'],
    [['status', '--output=json', '--bogus'], 'json'],
    [['-o', 'json', 'status', '-o', 'table'], 'table'],
    [['status', '-o', 'xml'], undefined],
    [['status', '--', '-o', 'json'], undefined],
    [['status', '-o'], undefined],
    [['status', '--other'], undefined],
  ];
  for (const [argv, want] of cases) assert.equal(outputFormatFromArgv(argv), want, argv.join(' '));
});

describe('main() with -o json on failure', () => {
  test('a missing kubeconfig: one Error document on stdout, the human lines on stderr', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const r = await runCli(['status', 'hello', '-o', 'json'], { env: { KUBECONFIG: '/nonexistent/kc' } });
    assert.equal(r.code, 4);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.kind, 'Error');
    assert.equal(doc.exitCode, 4);
    assert.match(r.stderr, /^Error: /);
    assert.match(r.stderr, /^Hint: /m);
  });

  test('an unknown flag with -o yaml: a usage Error document (exit 2)', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const r = await runCli(['status', 'hello', '--bogus', '-o', 'yaml']);
    assert.equal(r.code, 2);
    assert.deepEqual(yaml.load(r.stdout), {
      apiVersion: 'bgctl.dev/v1',
      kind: 'Error',
      reason: 'UnknownOption',
      message: "unknown option '--bogus'",
      hint: 'see bgctl status --help',
      exitCode: 2,
    });
  });

  test('--help and --version print no Error document', async () => {
    const { runCli } = await import('../helpers/cli.js');
    for (const argv of [
      ['--help', '-o', 'json'],
      ['--version', '-o', 'json'],
    ]) {
      const r = await runCli(argv);
      assert.equal(r.code, 0);
      assert.doesNotMatch(r.stdout, /"kind": "Error"/);
    }
  });
});
