// The program itself through runCli/main: version, help, usage errors from commander, global flags
// on either side of the verb, color, and the single exit point's Error/Hint/stack output.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { main, VERSION } from '../../src/cli.js';
import { VERBS } from '../../src/commands/catalog.js';
import { IOStreams } from '../../src/ui/iostreams.js';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { kubeconfigVariant, sim } from '../kube/sim-helpers.js';
import { createService } from './read-setup.js';

const ESC = '\u001b[';

describe('bgctl without a cluster', () => {
  test('--version prints the version on stdout and exits 0', async () => {
    const r = await runCli(['--version']);
    assert.deepEqual(r, { code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  test('--help lists every verb and the exit codes', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0, r.stderr);
    for (const spec of VERBS) assert.match(r.stdout, new RegExp(`^  ${spec.name}\\b`, 'm'), `verb ${spec.name} listed`);
    assert.match(
      r.stdout,
      /Exit codes:\n {2}0 done · 1 failed · 2 usage error \(nothing written\) · 3 verification failed\n {2}4 cannot reach or use the cluster · 5 conflict: the service changed underneath\n {2}6 timed out waiting · 8 stopped on purpose \(resumable\) · 130 cancelled/,
    );
    for (const flag of [
      '-n, --namespace',
      '--context',
      '--kubeconfig',
      '-o, --output',
      '--no-color',
      '--verbose',
      '--request-timeout',
    ])
      assert.ok(r.stdout.includes(flag), flag);
    assert.equal(r.stderr, '');
  });

  test("a verb's --help shows its flags, the write flags and exits 0", async () => {
    const r = await runCli(['split', '--help']);
    assert.equal(r.code, 0);
    for (const flag of ['--percent', '--traffic', '--dry-run', '-y, --yes', '--no-wait', '--timeout'])
      assert.ok(r.stdout.includes(flag), flag);
  });

  // Every parse error, commander's included: `Error:` then `Hint:`, exit 2; with -o json the same
  // reason and hint in a kind: Error document on stdout.
  const usage: Array<[string, string[], RegExp, string, string]> = [
    ['an unknown verb', ['deplyo', 'hello'], /^Error: unknown command 'deplyo'/, 'UnknownCommand', 'see bgctl --help'],
    [
      'an unknown flag',
      ['status', 'hello', '--bogus'],
      /^Error: unknown option '--bogus'/,
      'UnknownOption',
      'see bgctl status --help',
    ],
    [
      'an unknown global flag before the verb',
      ['--bogus', 'status'],
      /^Error: unknown option '--bogus'/,
      'UnknownOption',
      'see bgctl --help',
    ],
    [
      '-o xml',
      ['status', 'hello', '-o', 'xml'],
      /^Error: option '-o, --output <format>' argument 'xml' is invalid\. Allowed choices are table, json, yaml\./,
      'InvalidChoice',
      'see bgctl status --help',
    ],
    [
      '-o xml before the verb',
      ['-o', 'xml', 'status', 'hello'],
      /^Error: option '-o, --output <format>' argument 'xml' is invalid/,
      'InvalidChoice',
      'see bgctl --help',
    ],
    [
      'a bad --dry-run mode',
      ['pin', 'hello', '--dry-run=maybe'],
      /^Error: invalid value "maybe" for --dry-run: use --dry-run, --dry-run=client or --dry-run=server/,
      'InvalidDryRun',
      'see bgctl pin --help',
    ],
    [
      'an empty --dry-run mode',
      ['pin', 'hello', '--dry-run='],
      /^Error: invalid value "" for --dry-run/,
      'InvalidDryRun',
      'see bgctl pin --help',
    ],
    [
      'a second positional',
      ['status', 'a', 'b'],
      /^Error: too many arguments for 'status'/,
      'ExcessArguments',
      'see bgctl status --help',
    ],
    [
      'a missing argument',
      ['completion'],
      /^Error: missing required argument 'shell'/,
      'MissingArgument',
      'see bgctl completion --help',
    ],
    [
      'a flag without its value',
      ['split', 'hello', '--timeout'],
      /^Error: option '--timeout <duration>' argument missing/,
      'MissingOptionValue',
      'see bgctl split --help',
    ],
    [
      'help for an unknown verb',
      ['help', 'nosuch'],
      /^Error: unknown command 'nosuch'/,
      'UnknownCommand',
      'see bgctl --help',
    ],
  ];
  for (const [name, argv, message, reason, hint] of usage) {
    test(`${name}: exit 2, Error and Hint on stderr, nothing on stdout; -o json: the Error document`, async () => {
      const r = await runCli(argv, { env: { KUBECONFIG: '/nonexistent/kubeconfig' } });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trimEnd().split('\n').at(-1), `Hint: ${hint}`, r.stderr);
      assert.doesNotMatch(r.stderr, /^error: /m);
      assert.equal(r.stdout, '');
      const json = await runCli([...argv, '-o', 'json'], { env: { KUBECONFIG: '/nonexistent/kubeconfig' } });
      assert.equal(json.code, 2, json.stderr);
      const doc = JSON.parse(json.stdout);
      assert.deepEqual(
        [doc.apiVersion, doc.kind, doc.reason, doc.hint, doc.exitCode],
        ['bgctl.dev/v1', 'Error', reason, hint, 2],
      );
    });
  }

  test('an unknown verb or flag gets a suggestion on the Error line', async () => {
    const r = await runCli(['deplyo']);
    assert.match(r.stderr, /^Error: unknown command 'deplyo' \(did you mean deploy\?\)\n/);
    const flag = await runCli(['split', 'hello', '--verbsoe']);
    assert.match(
      flag.stderr,
      /^Error: unknown option '--verbsoe' \(did you mean --verbose\?\)\nHint: see bgctl split --help\n$/,
    );
  });

  test('a missing kubeconfig: exit 4 with a one-line error and a hint, nothing on stdout', async () => {
    const r = await runCli(['status', 'hello'], { env: { KUBECONFIG: '/nonexistent/bgctl/kubeconfig' } });
    assert.equal(r.code, 4, r.stderr);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.match(lines[0], /^Error: .*\/nonexistent\/bgctl\/kubeconfig/);
    assert.match(lines[1], /^Hint: /);
    assert.equal(lines.length, 2, r.stderr);
  });

  test('--kubeconfig wins over KUBECONFIG', async () => {
    const r = await runCli(['status', 'hello', '--kubeconfig', '/nonexistent/flag'], {
      env: { KUBECONFIG: '/nonexistent/env' },
    });
    assert.equal(r.code, 4);
    assert.match(r.stderr, /\/nonexistent\/flag/);
    assert.doesNotMatch(r.stderr, /\/nonexistent\/env/);
  });

  test('a bad --request-timeout is a usage error', async () => {
    const r = await runCli(['status', 'hello', '--request-timeout', 'soon'], { env: { KUBECONFIG: '/nonexistent' } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /invalid duration "soon" for --request-timeout/);
    assert.match(r.stderr, /^Hint: see bgctl status --help$/m);
  });

  test('BGCTL_DEBUG=1 adds the stack trace; without it there is none', async () => {
    const plain = await runCli(['status', 'hello'], { env: { KUBECONFIG: '/nonexistent/kc' } });
    assert.doesNotMatch(plain.stderr, /\n {4}at /);
    const debug = await runCli(['status', 'hello'], { env: { KUBECONFIG: '/nonexistent/kc', BGCTL_DEBUG: '1' } });
    assert.equal(debug.code, 4);
    assert.match(debug.stderr, /^Error: /);
    assert.match(debug.stderr, /\n {4}at .+\(.*\.ts:\d+:\d+\)/);
  });

  test('--no-color removes the escape codes that color would add', async () => {
    const run = async (argv: string[]) => {
      const io = IOStreams.test({ color: true, env: { KUBECONFIG: '/nonexistent/kc' } });
      const code = await main(argv, { io });
      return { code, stderr: io.stderr };
    };
    const colored = await run(['status', 'hello']);
    assert.equal(colored.code, 4);
    assert.ok(colored.stderr.includes(ESC), 'colored without --no-color');
    const plain = await run(['status', 'hello', '--no-color']);
    assert.equal(plain.code, 4);
    assert.ok(!plain.stderr.includes(ESC), plain.stderr);
    assert.match(plain.stderr, /^Error: /);
  });
});

describe('bgctl against the playground', () => {
  const pg = usePlayground();
  const env = () => ({ KUBECONFIG: pg.current.kubeconfigPath, BGCTL_ACTOR: 'tester' });

  test('global flags are accepted before and after the verb', async () => {
    await createService(pg.current, 'where', { ns: 'team-a' });
    const before = await runCli(['-n', 'team-a', '-o', 'json', 'url', 'where'], { env: env() });
    const after = await runCli(['url', 'where', '-n', 'team-a', '-o', 'json'], { env: env() });
    const mixed = await runCli(['--namespace=team-a', 'url', '--output=json', 'where'], { env: env() });
    assert.equal(before.code, 0, before.stderr);
    assert.equal(after.code, 0, after.stderr);
    assert.equal(mixed.code, 0, mixed.stderr);
    assert.deepEqual(JSON.parse(after.stdout), JSON.parse(before.stdout));
    assert.deepEqual(JSON.parse(mixed.stdout), JSON.parse(before.stdout));
    assert.match(JSON.parse(before.stdout).url, /^http:\/\/where\.team-a\./);
    // And in the default namespace the service does not exist.
    const elsewhere = await runCli(['url', 'where'], { env: env() });
    assert.equal(elsewhere.code, 1, elsewhere.stderr);
  });

  test('a typed error: "Error: …" and "Hint: …" on stderr, nothing on stdout', async () => {
    const r = await runCli(['pin', 'missing', '--yes'], { env: env() });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^Error: .*"missing".*not found/m);
    assert.match(r.stderr, /^Hint: /m);
  });

  test('cannot reach or use the cluster: exit 4, one Error line and a Hint, no credential', async () => {
    const p = pg.current;
    await createService(p, 'guarded');
    const server = new URL(p.server);
    const cases: Array<{ name: string; kubeconfig: string; argv: string[]; error: RegExp; hint: RegExp }> = [
      {
        name: '403 (read-only user writing)',
        kubeconfig: p.readOnlyKubeconfigPath,
        argv: ['pin', 'guarded', '--yes'],
        error: /not allowed to patch service "guarded"/,
        hint: /kubectl auth can-i patch services\.serving\.knative\.dev -n default/,
      },
      {
        name: '401 (wrong token)',
        kubeconfig: kubeconfigVariant(p, (d) => (d.users[0].user.token = 'wrong-token-1234')),
        argv: ['status', 'guarded'],
        error: /401|[Uu]nauthorized/,
        hint: /./,
      },
      {
        name: 'unknown context',
        kubeconfig: p.kubeconfigPath,
        argv: ['status', 'guarded', '--context', 'nope'],
        error: /context "nope"/,
        hint: /./,
      },
      {
        name: 'connection refused',
        kubeconfig: kubeconfigVariant(p, (d) => (d.clusters[0].cluster.server = 'https://127.0.0.1:1')),
        argv: ['status', 'guarded'],
        error: /127\.0\.0\.1:1/,
        hint: /./,
      },
      {
        name: 'untrusted certificate',
        kubeconfig: kubeconfigVariant(p, (d) => delete d.clusters[0].cluster['certificate-authority-data']),
        argv: ['status', 'guarded'],
        error: /certificate|TLS/i,
        hint: /./,
      },
      {
        name: 'Knative not installed (no serving.knative.dev API at that server)',
        kubeconfig: kubeconfigVariant(
          p,
          (d) => (d.clusters[0].cluster.server = `https://127.0.0.1:${server.port}/no-such-prefix`),
        ),
        argv: ['status', 'guarded'],
        error: /Knative Serving is not installed/,
        hint: /./,
      },
    ];
    for (const c of cases) {
      const r = await runCli(c.argv, { env: { KUBECONFIG: c.kubeconfig } });
      assert.equal(r.code, 4, `${c.name}: ${r.stderr}`);
      assert.equal(r.stdout, '', c.name);
      // pin shows its plan before the write; from the error on, exactly two lines.
      const all = r.stderr
        .trimEnd()
        .split('\n')
        .filter((l) => !l.startsWith('Warning: '));
      const lines = all.slice(
        Math.max(
          0,
          all.findIndex((l) => l.startsWith('Error: ')),
        ),
      );
      assert.match(lines[0], /^Error: /, c.name);
      assert.match(lines[0], c.error, c.name);
      assert.match(lines[1] ?? '', /^Hint: /, `${c.name}: ${r.stderr}`);
      assert.match(lines[1], c.hint, c.name);
      assert.equal(lines.length, 2, `${c.name}: ${r.stderr}`);
      assert.ok(!r.stderr.includes(p.token) && !r.stderr.includes('wrong-token-1234'), `${c.name}: no token`);
    }
  });

  test('--verbose traces requests on stderr without the bearer token', async () => {
    await sim(pg.current, 'DELETE', 'requests');
    const r = await runCli(['url', 'where', '-n', 'team-a', '--verbose'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /GET https:\/\/127\.0\.0\.1:\d+\/apis\/serving\.knative\.dev\/v1\/namespaces\/team-a\/services\/where/,
    );
    assert.ok(!r.stderr.includes(pg.current.token), 'token not printed');
    assert.doesNotMatch(r.stdout, /GET /);
  });
});
