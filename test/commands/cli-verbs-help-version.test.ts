// The CLI's own verbs and forms, through main() in-process: `bgctl` alone, `help [VERB]`, `version`
// (-o json|yaml: a Version document), and --dry-run, which never takes the next word as its mode.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import yaml from 'js-yaml';
import { runCli } from '../helpers/cli.js';
import { usePlayground } from '../helpers/playground.js';
import { cliEnv } from './step-helpers.js';
import { VERSION } from '../../src/core/version.js';

describe('help and version', () => {
  test('bgctl with no arguments prints the help on stdout and exits 0', async () => {
    const r = await runCli([]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: bgctl /);
    assert.match(r.stdout, /^ {2}help \[verb\] /m);
    assert.match(r.stdout, /^ {2}version /m);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, (await runCli(['--help'])).stdout);
    assert.equal(r.stdout, (await runCli(['help'])).stdout);
  });

  test('bgctl help VERB is bgctl VERB --help, write flags and examples included', async () => {
    for (const verb of ['split', 'deploy', 'status', 'version']) {
      const help = await runCli(['help', verb]);
      assert.equal(help.code, 0, help.stderr);
      assert.equal(help.stdout, (await runCli([verb, '--help'])).stdout, verb);
      assert.match(help.stdout, new RegExp(`^Usage: bgctl ${verb} `));
    }
    assert.match((await runCli(['help', 'split'])).stdout, /--dry-run .*\n[^]*-y, --yes[^]*Examples:/);
  });

  test('bgctl version prints the version; -o json|yaml a Version document', async () => {
    const plain = await runCli(['version']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stdout, `${VERSION}\n`);
    assert.equal(plain.stdout, (await runCli(['--version'])).stdout);
    const expected = {
      apiVersion: 'bgctl.dev/v1',
      kind: 'Version',
      version: VERSION,
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
    };
    const json = await runCli(['version', '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), expected);
    const y = await runCli(['-o', 'yaml', 'version']);
    assert.deepEqual(yaml.load(y.stdout), expected);
    assert.equal(y.stderr, '');
  });

  test('version takes no service', async () => {
    const r = await runCli(['version', 'hello']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^Error: too many arguments for 'version'/);
  });
});

describe('--dry-run never swallows the next word', () => {
  const pg = usePlayground({ sample: 'hello' });

  test('--dry-run before the service plans for that service (client mode)', async () => {
    const rv = pg.current.registry.get(
      pg.current.registry.resource('services', 'serving.knative.dev')!,
      'default',
      'hello',
    ).metadata.resourceVersion;
    const r = await runCli(['pin', '--dry-run', 'hello', '-o', 'json'], { env: cliEnv(pg.current) });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual([doc.kind, doc.service, doc.dryRunMode], ['TrafficPlan', 'hello', 'client']);
    const split = await runCli(['split', '--dry-run', 'hello', '--percent', '50'], { env: cliEnv(pg.current) });
    assert.doesNotMatch(
      split.stderr,
      /unknown|invalid value "hello"|SERVICE is required/,
      'hello was taken as the service',
    );
    assert.equal(
      pg.current.registry.get(pg.current.registry.resource('services', 'serving.knative.dev')!, 'default', 'hello')
        .metadata.resourceVersion,
      rv,
      'nothing was written',
    );
  });

  test('--dry-run=server is the server mode, --dry-run=client the client one', async () => {
    const server = await runCli(['pin', '--dry-run=server', 'hello', '-o', 'json'], { env: cliEnv(pg.current) });
    assert.equal(server.code, 0, server.stderr);
    assert.deepEqual(
      [JSON.parse(server.stdout).dryRunMode, JSON.parse(server.stdout).serverAccepted],
      ['server', true],
    );
    const client = await runCli(['pin', 'hello', '--dry-run=client', '-o', 'json'], { env: cliEnv(pg.current) });
    assert.equal(client.code, 0, client.stderr);
    assert.equal(JSON.parse(client.stdout).dryRunMode, 'client');
  });

  test('"--dry-run server" is a service named server, not the mode', async () => {
    const r = await runCli(['pin', 'hello', '--dry-run', 'server'], { env: cliEnv(pg.current) });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^Error: too many arguments for 'pin'/);
  });
});

describe('hints go to stderr, results to stdout, for every verb', () => {
  const pg = usePlayground({ sample: 'hello' });

  test('a whole procedure: no Next/Hint/Try line on stdout; deploy names the next step on stderr', async () => {
    const env = cliEnv(pg.current);
    const steps: string[][] = [
      ['pin', 'hello', '--yes'],
      ['deploy', 'hello', '--image', 'ghcr.io/bgctl/hello:v2', '--yes', '--timeout', '1m'],
      ['stage', 'hello', '--yes', '--timeout', '1m'],
      ['split', 'hello', '--percent', '50', '--yes', '--timeout', '1m'],
      ['status', 'hello'],
      ['revisions', 'hello'],
      ['url', 'hello'],
      ['promote', 'hello', '--yes', '--timeout', '1m'],
      ['history', 'hello'],
      ['rollback', 'hello', '--yes', '--timeout', '1m'],
      ['cleanup', 'hello', '--yes', '--timeout', '1m'],
      ['version'],
    ];
    for (const argv of steps) {
      const r = await runCli(argv, { env });
      assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stdout, /^(Next|Hint|Try):/m, argv.join(' '));
      if (argv[0] === 'deploy') assert.match(r.stderr, /^Next: bgctl stage hello$/m);
    }
  });
});
