// Exec credential plugins through the built CLI: a hostile server that echoes the plugin's token
// (403 Status message, 500 text body) never gets it printed, whatever the output mode; the server
// URL's user:password and access_token never show; plugins that hang are bounded by
// --request-timeout and killed, as they are on Ctrl-C and SIGTERM; plugins that fail or print a raw
// token are reported without echoing what they printed; with interactiveMode Never they get no stdin.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { BIN, runBin, type CliResult } from '../helpers/cli.js';
import { startHostileServer, type HostileServer } from '../helpers/hostile-server.js';
import { HANGING_BODY, execStanza, gone, readReport, writePlugin } from '../helpers/exec-plugins.js';
import { startPlayground, type Playground } from '../helpers/playground.js';
import { kubeconfigVariant } from '../kube/sim-helpers.js';
import { tempDir } from '../helpers/temp-dir.js';

// Punctuation on purpose: a Bearer pattern that stops at ":" or "!" would leave the rest printed.
const TOKEN = 'hX7!exec:Tq9/Zw+Lp=Vr_8~Mk.Ny3$Qd';

function kubeconfigFor(server: string, caData: string, exec: Record<string, unknown>): string {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'hostile', cluster: { server, 'certificate-authority-data': caData } }],
    users: [{ name: 'plugin-user', user: { exec } }],
    contexts: [{ name: 'hostile', context: { cluster: 'hostile', user: 'plugin-user', namespace: 'default' } }],
    'current-context': 'hostile',
  };
  const file = path.join(tempDir('bgctl-hostile-'), 'kubeconfig');
  writeFileSync(file, yaml.dump(doc), { mode: 0o600 });
  return file;
}

/** Fails if any 10-character piece of `secret` is in stdout or stderr (a cut token leaks too). */
function assertNoPiece(r: CliResult, secret: string, what: string): void {
  const out = r.stdout + r.stderr;
  for (let i = 0; i + 10 <= secret.length; i++) {
    const piece = secret.slice(i, i + 10);
    assert.ok(!out.includes(piece), `${what}: output contains "${piece}" of a credential\n${out}`);
  }
}

/** Spawns the built CLI, waits for the plugin to report its pid, sends `sig`, returns the result. */
async function interruptWhilePluginHangs(
  kubeconfig: string,
  report: string,
  sig: NodeJS.Signals,
): Promise<{ r: CliResult; pluginPid: number }> {
  const child = spawn(process.execPath, [BIN, 'status', 'hello'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', KUBECONFIG: kubeconfig },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const closed = new Promise<number>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1))),
  );
  while (!readReport(report)?.started) await new Promise((r) => setTimeout(r, 20));
  const pluginPid = readReport(report).pid as number;
  child.kill(sig);
  const code = await closed;
  return { r: { code, stdout, stderr }, pluginPid };
}

describe('exec credential plugins (built CLI)', () => {
  let hostile: HostileServer;
  let pg: Playground;
  before(async () => {
    hostile = await startHostileServer();
    pg = await startPlayground({ sample: 'hello' });
  });
  after(async () => {
    await hostile?.stop();
    await pg?.stop();
  });

  test('a server echoing the exec token in a 403 Status and a 500 body never gets it printed (-o json, --verbose, BGCTL_DEBUG)', async () => {
    const plugin = writePlugin('echo-token', `credential(${JSON.stringify(TOKEN)});`);
    const kc = kubeconfigFor(hostile.url, hostile.caData, execStanza(plugin.file));
    const env = { KUBECONFIG: kc, BGCTL_DEBUG: '1' };
    const forbidden = await runBin(['status', 'echo403', '-o', 'json', '--verbose'], { env });
    assert.equal(forbidden.code, 4, forbidden.stderr);
    assert.equal(JSON.parse(forbidden.stdout).reason, 'Forbidden');
    assert.match(forbidden.stderr, /not allowed to get service "echo403".*services is forbidden: User "<redacted>"/);
    assertNoPiece(forbidden, TOKEN, '403');
    const failing = await runBin(['status', 'echo500', '-o', 'json', '--verbose', '--request-timeout', '20s'], { env });
    assert.equal(failing.code, 1, failing.stderr);
    assert.equal(JSON.parse(failing.stdout).kind, 'Error');
    assert.match(
      failing.stderr,
      /retrying in \d+ ms after attempt 1: the API server failed to get service "echo500"/,
      'the retry notes were printed',
    );
    assertNoPiece(failing, TOKEN, '500');
    // The test means something only if the token really went to the server.
    assert.ok(hostile.seen.includes(`Bearer ${TOKEN}`), 'the server received the plugin token');
  });

  test('user:password in the server URL and an access_token query value are never printed', async () => {
    const password = 'url-pa55-W0rd!x';
    const query = 'query-t0ken-Qz81xv';
    const plugin = writePlugin('url-token', `credential(${JSON.stringify(TOKEN)});`);
    const server = `${hostile.url.replace('https://', `https://hostile-user:${encodeURIComponent(password)}@`)}/?access_token=${query}`;
    const kc = kubeconfigFor(server, hostile.caData, execStanza(plugin.file));
    const r = await runBin(['status', 'echo403', '-o', 'json', '--verbose'], {
      env: { KUBECONFIG: kc, BGCTL_DEBUG: '1' },
    });
    assert.equal(r.code, 4, r.stderr);
    assert.match(
      r.stderr,
      /GET https:\/\/<redacted>@127\.0\.0\.1/,
      'the trace shows the request, without user:password',
    );
    for (const s of [
      password,
      encodeURIComponent(password),
      query,
      TOKEN,
      Buffer.from(`hostile-user:${password}`).toString('base64'),
    ])
      assertNoPiece(r, s, 'server URL');
  });

  test('a hanging plugin: exit 4 within --request-timeout, naming the plugin, and the plugin is killed', async () => {
    const plugin = writePlugin('hang-timeout', HANGING_BODY);
    const kc = kubeconfigVariant(pg, (d) => {
      delete d.users[0].user.token;
      d.users[0].user.exec = execStanza(plugin.file);
    });
    const r = await runBin(['status', 'hello', '--request-timeout', '1s', '-o', 'json'], { env: { KUBECONFIG: kc } });
    assert.equal(r.code, 4, r.stderr);
    assert.equal(JSON.parse(r.stdout).reason, 'CredentialPluginTimeout');
    assert.ok(r.stderr.includes(`the credential plugin "${plugin.file}" of context`), r.stderr);
    assert.match(r.stderr, /did not finish within 1s; bgctl stopped it/);
    const pid = readReport(plugin.report)?.pid;
    assert.ok(pid, 'the plugin ran');
    assert.ok(await gone(pid), `the plugin (pid ${pid}) survived bgctl`);
  });

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    test(`${sig} while the plugin hangs (no --request-timeout): the first one exits 130 and kills the plugin`, async () => {
      const plugin = writePlugin(`hang-${sig}`, HANGING_BODY);
      const kc = kubeconfigVariant(pg, (d) => {
        delete d.users[0].user.token;
        d.users[0].user.exec = execStanza(plugin.file);
      });
      const { r, pluginPid } = await interruptWhilePluginHangs(kc, plugin.report, sig);
      assert.equal(r.code, 130, r.stderr);
      assert.match(r.stderr, /Error: cancelled/);
      assert.ok(await gone(pluginPid), `the plugin (pid ${pluginPid}) survived bgctl`);
    });
  }

  test('a plugin that prints a raw token instead of an ExecCredential: exit 4, the token is not echoed', async () => {
    const raw = 'raw-plugin-token-Vb83kQ-not-json';
    const plugin = writePlugin('raw-token', `process.stdout.write(${JSON.stringify(raw)});`);
    const kc = kubeconfigVariant(pg, (d) => {
      delete d.users[0].user.token;
      d.users[0].user.exec = execStanza(plugin.file);
    });
    const r = await runBin(['status', 'hello', '-o', 'json', '--verbose'], {
      env: { KUBECONFIG: kc, BGCTL_DEBUG: '1' },
    });
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /did not print an ExecCredential JSON document on stdout/);
    assertNoPiece(r, raw, 'raw token');
  });

  test('a failing plugin: exit 4 naming the plugin and its exit code; its error output is never quoted (it may hold secrets bgctl never saw)', async () => {
    const plugin = writePlugin(
      'fails',
      `process.stderr.write('login required (old token ${'ab'.repeat(3)}cd, Bearer abc:def!x, refresh_token rt-SUPERSECRET-9f8e7d6c, client_secret=cs-TOPSECRET-123456)\\n'); process.exit(3);`,
    );
    const kc = kubeconfigVariant(pg, (d) => {
      delete d.users[0].user.token;
      d.users[0].user.exec = execStanza(plugin.file);
    });
    const r = await runBin(['status', 'hello', '-o', 'json'], { env: { KUBECONFIG: kc } });
    assert.equal(r.code, 4, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.reason, 'CredentialPluginFailed');
    assert.match(
      doc.message,
      /^the credential plugin ".*" of context "bgctl-playground" failed with exit code 3 \(its error output, \d+ bytes, is not shown: it may hold credentials\)$/,
    );
    assert.doesNotMatch(
      r.stdout + r.stderr,
      /abc:def|def!x|SUPERSECRET|TOPSECRET|login required/,
      "the plugin's output was echoed",
    );
  });

  test('interactiveMode Never: the plugin gets no stdin (EOF at once) even when bgctl has input, and KUBERNETES_EXEC_INFO says so', async () => {
    const plugin = writePlugin(
      'reads-stdin',
      `let n = 0; process.stdin.on('data', (d) => (n += d.length)); process.stdin.on('error', () => {}); process.stdin.on('end', () => { report({ stdinBytes: n, info: JSON.parse(process.env.KUBERNETES_EXEC_INFO || 'null') }); credential(${JSON.stringify(pg.token)}); });`,
    );
    const kc = kubeconfigVariant(pg, (d) => {
      delete d.users[0].user.token;
      d.users[0].user.exec = execStanza(plugin.file);
    });
    const r = await runBin(['status', 'hello', '-o', 'json', '--request-timeout', '20s'], {
      env: { KUBECONFIG: kc },
      input: 'typed-by-the-user\n',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).kind, 'ServiceStatus');
    const seen = readReport(plugin.report);
    assert.equal(seen.stdinBytes, 0, "the plugin read bgctl's stdin");
    assert.deepEqual(seen.info, {
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: { interactive: false },
    });
  });
});
