// Credentials and transport: every command, with --verbose (HTTP trace) and BGCTL_DEBUG (stacks),
// against a playground whose token is known, must never print that token, a client key or an exec
// plugin's credential — on success, on failure, as table, JSON or YAML. Exec credential plugins and
// token files work. TLS verification is on unless the kubeconfig or the flag turns it off, which warns.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startPlayground, type Playground } from '../helpers/playground.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { kubeconfigVariant } from '../kube/sim-helpers.js';
import { createReadyService } from '../commands/step-helpers.js';
import { generateTls } from '../../src/sim/api/tls.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Distinctive pieces of a PEM key body: any of them in the output means the key leaked. */
function keyFragments(pem: string): string[] {
  const body = pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  return [body.slice(10, 50), body.slice(-60, -20), Buffer.from(pem).toString('base64').slice(20, 80)];
}

describe('credentials never reach the output', () => {
  let pg: Playground;
  let secrets: string[];
  let withKey: string;
  let pluginKubeconfig: string;
  let badPluginKubeconfig: string;
  let tokenFileKubeconfig: string;
  let expiredKubeconfig: string;
  const pluginToken = () => pg.token;
  const wrongPluginToken = 'exec-plugin-token-that-the-server-rejects-9f8e7d';

  before(async () => {
    pg = await startPlayground({ sample: 'hello' });
    await createReadyService(pg, 'sec');
    const tls = await generateTls();
    // A client certificate and key next to the token: the server never asks for the certificate,
    // but bgctl loads the key, so it must keep it to itself.
    withKey = kubeconfigVariant(pg, (d) => {
      d.users[0].user['client-certificate-data'] = Buffer.from(tls.certPem).toString('base64');
      d.users[0].user['client-key-data'] = Buffer.from(tls.keyPem).toString('base64');
    });
    const dir = tempDir('bgctl-security-');
    const plugin = (file: string, token: string) => {
      writeFileSync(
        file,
        `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: ${JSON.stringify(token)} } }));\n`,
      );
      chmodSync(file, 0o700);
      return file;
    };
    const execUser = (file: string) => (d: any) => {
      delete d.users[0].user.token;
      d.users[0].user.exec = {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: process.execPath,
        args: [file],
        interactiveMode: 'Never',
      };
    };
    pluginKubeconfig = kubeconfigVariant(pg, execUser(plugin(path.join(dir, 'plugin.mjs'), pluginToken())));
    badPluginKubeconfig = kubeconfigVariant(pg, execUser(plugin(path.join(dir, 'bad-plugin.mjs'), wrongPluginToken)));
    const tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, `${pg.token}\n`, { mode: 0o600 });
    tokenFileKubeconfig = kubeconfigVariant(pg, (d) => {
      delete d.users[0].user.token;
      d.users[0].user['token-file'] = tokenFile;
    });
    expiredKubeconfig = kubeconfigVariant(pg, (d) => (d.users[0].user.token = 'expired-token-that-must-not-leak-1234'));
    const readOnlyToken = /token: (\S+)/.exec(readFileSync(pg.readOnlyKubeconfigPath, 'utf8'))?.[1];
    secrets = [pg.token, wrongPluginToken, 'expired-token-that-must-not-leak-1234', ...keyFragments(tls.keyPem)];
    if (readOnlyToken) secrets.push(readOnlyToken);
  });
  after(async () => {
    await pg?.stop();
  });

  const run = (argv: string[], kubeconfig?: string): Promise<CliResult> =>
    runCli(['--verbose', ...argv], {
      env: { KUBECONFIG: kubeconfig ?? withKey, BGCTL_DEBUG: '1', BGCTL_ACTOR: 'security' },
    });

  function assertClean(r: CliResult, what: string): void {
    for (const s of secrets) {
      assert.ok(!r.stdout.includes(s), `${what}: stdout contains a credential (${s.slice(0, 6)}…)`);
      assert.ok(!r.stderr.includes(s), `${what}: stderr contains a credential (${s.slice(0, 6)}…)`);
    }
    assert.doesNotMatch(r.stdout + r.stderr, /PRIVATE KEY-----/, `${what}: a PEM key was printed`);
  }

  test('every command, with --verbose and BGCTL_DEBUG, prints its trace but never a credential', async () => {
    const ingress = ['--ingress', pg.ingress, '--requests', '2'];
    const sweep: Array<{ argv: string[]; kubeconfig?: string; code: number }> = [
      { argv: ['status', 'sec'], code: 0 },
      { argv: ['status', '-A', '-o', 'json'], code: 0 },
      { argv: ['revisions', 'sec', '-o', 'yaml'], code: 0 },
      { argv: ['url', 'sec'], code: 0 },
      { argv: ['history', 'sec'], code: 0 },
      { argv: ['pin', 'sec', '--dry-run'], code: 0 },
      { argv: ['pin', 'sec', '--dry-run=server', '-o', 'json'], code: 0 },
      { argv: ['deploy', 'sec', '--image', 'ghcr.io/bgctl/hello:v2', '--yes'], code: 0 },
      { argv: ['stage', 'sec', '--yes', '-o', 'json'], code: 0 },
      { argv: ['verify', 'sec', ...ingress], code: 0 },
      { argv: ['split', 'sec', '--percent', '50', '--yes', '-o', 'yaml'], code: 0 },
      { argv: ['promote', 'sec', '--yes'], code: 0 },
      { argv: ['rollback', 'sec', '--yes', '-o', 'json'], code: 0 },
      { argv: ['cleanup', 'sec', '--dry-run=server'], code: 0 },
      { argv: ['rollout', 'sec', '--image', 'ghcr.io/bgctl/hello:v3', '--no-verify', '--yes', '-o', 'json'], code: 0 },
      { argv: ['completion', 'bash'], code: 0 },
      // Failures: the error paths print server messages, hints and (with BGCTL_DEBUG) stacks.
      { argv: ['status', 'nosuch'], code: 1 },
      { argv: ['pin', 'sec', '--revision', 'sec-00099', '--yes'], code: 1 },
      { argv: ['rollout', 'sec', '--resume', '--yes'], code: 1 },
      {
        argv: ['deploy', 'sec', '--image', 'ghcr.io/bgctl/hello:v4', '--yes'],
        kubeconfig: pg.readOnlyKubeconfigPath,
        code: 4,
      },
      { argv: ['status', 'sec'], kubeconfig: expiredKubeconfig, code: 4 },
      { argv: ['split', 'sec', '--percent', '10', '--yes', '-o', 'json'], kubeconfig: expiredKubeconfig, code: 4 },
      { argv: ['status', 'sec'], kubeconfig: badPluginKubeconfig, code: 4 },
      { argv: ['pin', 'sec', '--yes', '-o', 'json'], kubeconfig: badPluginKubeconfig, code: 4 },
    ];
    let traced = 0;
    for (const c of sweep) {
      const r = await run(c.argv, c.kubeconfig);
      const what = `bgctl --verbose ${c.argv.join(' ')}${c.kubeconfig ? ` (${path.basename(c.kubeconfig)})` : ''}`;
      assert.equal(r.code, c.code, `${what}: exit code\n${r.stderr}`);
      assertClean(r, what);
      if (/Authorization: Bearer <redacted>/i.test(r.stderr)) traced++;
    }
    // The sweep only means something if the trace really printed the (redacted) auth headers.
    assert.ok(traced >= 15, `only ${traced} commands printed a redacted Authorization header`);
  });

  test('an exec credential plugin supplies the token; the token is never printed', async () => {
    const r = await run(['status', 'hello', '-o', 'json'], pluginKubeconfig);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).kind, 'ServiceStatus');
    assertClean(r, 'exec plugin');
    const w = await run(['pin', 'hello', '--yes'], pluginKubeconfig);
    assert.equal(w.code, 0, w.stderr);
    assertClean(w, 'exec plugin write');
  });

  test('a token-file is read (and trimmed); the token is never printed', async () => {
    const r = await run(['revisions', 'hello'], tokenFileKubeconfig);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /hello-00001/);
    assertClean(r, 'token-file');
  });

  test('bgctl playground prints how to connect, never the token it wrote into the kubeconfig', async () => {
    const out = path.join(tempDir('bgctl-security-pg-'), 'kubeconfig');
    const stop = new AbortController();
    const running = runCli(['playground', '--kubeconfig-out', out, '--verbose'], {
      env: { HOME: path.dirname(out) },
      signal: stop.signal,
    });
    for (let i = 0; i < 600 && !existsSync(out); i++) await new Promise((r) => setTimeout(r, 50));
    const token = /token: (\S+)/.exec(readFileSync(out, 'utf8'))?.[1];
    await new Promise((r) => setTimeout(r, 200));
    stop.abort();
    const r = await running;
    assert.ok(token && token.length >= 32, 'the playground wrote a token');
    assert.match(r.stdout, /export KUBECONFIG=/);
    assert.ok(!r.stdout.includes(token!) && !r.stderr.includes(token!), 'the playground printed its token');
  });

  test("bgctl demo traces its own playground's requests but never prints the tokens of its kubeconfigs", async () => {
    // The demo writes its playground's kubeconfigs (admin and read-only) under os.tmpdir() and removes
    // them when it ends, so the test points TMPDIR at a directory of its own and reads the tokens
    // while the demo runs.
    const tmp = tempDir('bgctl-security-demo-');
    const tokens = new Set<string>();
    let polling = true;
    const poll = (async () => {
      while (polling) {
        for (const dir of readdirSync(tmp)) {
          for (const file of ['kubeconfig', 'kubeconfig.readonly']) {
            try {
              const token = /token: ([0-9a-f]{48})$/m.exec(readFileSync(path.join(tmp, dir, file), 'utf8'))?.[1];
              if (token) tokens.add(token);
            } catch {
              // not written yet, or already removed
            }
          }
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    let r: CliResult;
    try {
      r = await run(['demo']);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      polling = false;
      await poll;
      rmSync(tmp, { recursive: true, force: true });
    }
    assert.equal(r.code, 0, r.stderr);
    assert.equal(tokens.size, 2, "read the admin and the read-only token of the demo's playground");
    for (const token of tokens)
      assert.ok(!r.stdout.includes(token) && !r.stderr.includes(token), 'the demo printed a token of its playground');
    assertClean(r, 'bgctl --verbose demo');
    assert.match(r.stderr, /Authorization: Bearer <redacted>/, 'the demo traced its requests (redacted)');
    assert.match(r.stderr, /Playground up: API https:\/\/127\.0\.0\.1:\d+/);
  });

  test('TLS verification is on by default, even with NODE_TLS_REJECT_UNAUTHORIZED=0', async () => {
    const noCa = kubeconfigVariant(pg, (d) => delete d.clusters[0].cluster['certificate-authority-data']);
    const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    const savedEmit = process.emitWarning;
    process.emitWarning = () => undefined;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const r = await runCli(['status', 'hello'], { env: { KUBECONFIG: noCa, NODE_TLS_REJECT_UNAUTHORIZED: '0' } });
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /certificate .*not trusted/);
      assert.doesNotMatch(r.stderr, /verification is disabled/);
    } finally {
      if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
      process.emitWarning = savedEmit;
    }
  });

  test('insecure-skip-tls-verify from the kubeconfig is honoured, with a warning on stderr', async () => {
    const insecure = kubeconfigVariant(pg, (d) => {
      delete d.clusters[0].cluster['certificate-authority-data'];
      d.clusters[0].cluster['insecure-skip-tls-verify'] = true;
    });
    const r = await runCli(['status', 'hello', '-o', 'json'], { env: { KUBECONFIG: insecure } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).kind, 'ServiceStatus');
    assert.match(
      r.stderr,
      /^Warning: TLS certificate verification is disabled by insecure-skip-tls-verify in the kubeconfig/m,
    );
  });

  test('--insecure-skip-tls-verify is honoured, with a warning on stderr', async () => {
    const noCa = kubeconfigVariant(pg, (d) => delete d.clusters[0].cluster['certificate-authority-data']);
    const r = await runCli(['status', 'hello', '--insecure-skip-tls-verify'], { env: { KUBECONFIG: noCa } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Warning: TLS certificate verification is disabled by --insecure-skip-tls-verify/m);
  });

  test('the TLS warning is printed once, without a doubled prefix', async () => {
    const noCa = kubeconfigVariant(pg, (d) => delete d.clusters[0].cluster['certificate-authority-data']);
    const r = await runCli(['status', 'hello', '--insecure-skip-tls-verify'], { env: { KUBECONFIG: noCa } });
    assert.doesNotMatch(r.stderr, /Warning: Warning:/);
    assert.equal(r.stderr.split('\n').filter((l) => /verification is disabled/.test(l)).length, 1);
  });
});
