// The exec credential runner (src/kube/exec-credential.ts) and the redaction it relies on
// (src/core/redact.ts), in-process: caching until expirationTimestamp, client-go's interactiveMode
// rules, KUBERNETES_EXEC_INFO, messages that never quote the plugin's stdout, and redaction of
// every kind of credential bgctl holds, down to BGCTL_DEBUG cause chains.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ExecCredentialProvider, runExecPlugin } from '../../src/kube/exec-credential.js';
import { SecretSet, displayUrl, redactKnown, redactText } from '../../src/core/redact.js';
import { FailedError } from '../../src/core/errors.js';
import { execStanza, readReport, writePlugin } from '../helpers/exec-plugins.js';
import { runCli } from '../helpers/cli.js';
import { debugTrace } from '../../src/cli.js';

describe('exec credential runner', () => {
  test('the credential is cached until its expirationTimestamp, then the plugin runs again; tokens are registered as secrets', async () => {
    const counter = writePlugin(
      'counting',
      `const f = __filename + '.count'; const n = (fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8')) : 0) + 1; fs.writeFileSync(f, String(n));
credential('counted-token-' + n, { expirationTimestamp: '2030-01-01T00:00:00Z' });`,
    );
    let now = Date.parse('2029-12-31T23:00:00Z');
    const secrets = new SecretSet();
    const p = new ExecCredentialProvider({
      exec: execStanza(counter.file) as any,
      context: 'c',
      secrets,
      now: () => now,
    });
    assert.equal((await p.get()).token, 'counted-token-1');
    assert.equal((await p.get()).token, 'counted-token-1', 'cached while valid');
    now = Date.parse('2030-01-01T00:00:01Z');
    assert.equal((await p.get()).token, 'counted-token-2', 'run again once expired');
    p.invalidate();
    assert.equal((await p.get()).token, 'counted-token-3', 'run again after a 401');
    assert.equal(readFileSync(`${counter.file}.count`, 'utf8'), '3');
    for (const t of ['counted-token-1', 'counted-token-2', 'counted-token-3'])
      assert.equal(secrets.redact(`x ${t} y`), 'x <redacted> y');
  });

  test('interactiveMode follows client-go: required for v1, Always needs a terminal, unknown modes are refused', async () => {
    const ok = writePlugin('ok', `credential('interactive-mode-token');`);
    const base = { context: 'c', secrets: new SecretSet(), stdinIsTerminal: false };
    await assert.rejects(
      runExecPlugin({ ...base, exec: execStanza(ok.file, { interactiveMode: undefined }) as any }),
      (e: any) =>
        e.exitCode === 4 && /has no interactiveMode, which client.authentication.k8s.io\/v1 requires/.test(e.message),
    );
    await assert.rejects(
      runExecPlugin({ ...base, exec: execStanza(ok.file, { interactiveMode: 'Sometimes' }) as any }),
      /unknown interactiveMode "Sometimes"/,
    );
    await assert.rejects(
      runExecPlugin({ ...base, exec: execStanza(ok.file, { interactiveMode: 'Always' }) as any }),
      (e: any) => e.reason === 'CredentialPluginNeedsTerminal',
    );
    await assert.rejects(
      runExecPlugin({
        ...base,
        exec: execStanza(ok.file, { apiVersion: 'client.authentication.k8s.io/v1alpha1' }) as any,
      }),
      /unsupported apiVersion/,
    );
    // v1beta1 defaults to IfAvailable: without a terminal, no stdin.
    const beta = await runExecPlugin({
      ...base,
      exec: execStanza(ok.file, {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        interactiveMode: undefined,
      }) as any,
    }).catch((e) => e);
    assert.match(
      String(beta.message),
      /is configured to use API version client.authentication.k8s.io\/v1beta1, plugin returned version client.authentication.k8s.io\/v1/,
    );
  });

  test('KUBERNETES_EXEC_INFO carries interactive and, with provideClusterInfo, the cluster', async () => {
    const plugin = writePlugin(
      'info',
      `report({ info: JSON.parse(process.env.KUBERNETES_EXEC_INFO) }); credential('exec-info-token');`,
    );
    await runExecPlugin({
      exec: execStanza(plugin.file, { provideClusterInfo: true }) as any,
      context: 'c',
      secrets: new SecretSet(),
      stdinIsTerminal: false,
      cluster: {
        server: 'https://k.example:6443',
        'certificate-authority-data': 'Q0E=',
        'tls-server-name': 'k',
        config: { audience: 'x' },
      },
    });
    assert.deepEqual(readReport(plugin.report).info, {
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: {
        interactive: false,
        cluster: {
          server: 'https://k.example:6443',
          'certificate-authority-data': 'Q0E=',
          'tls-server-name': 'k',
          config: { audience: 'x' },
        },
      },
    });
  });

  test('answers that are not a usable ExecCredential are refused without quoting them', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        `process.stdout.write('plain-token-QwErTy12345');`,
        /did not print an ExecCredential JSON document on stdout \(23 bytes of something else\)/,
      ],
      [
        `process.stdout.write(JSON.stringify({ kind: 'Other', status: { token: 'wrong-kind-token-9876' } }));`,
        /printed JSON that is not an ExecCredential/,
      ],
      [`credential('');`, /didn't return a token or cert\/key pair/],
      [
        `credential(undefined, { clientKeyData: '-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEAkeyline0123456789\\n-----END RSA PRIVATE KEY-----\\n' });`,
        /returned only certificate or key, not both/,
      ],
    ];
    for (const [i, [body, message]] of cases.entries()) {
      const plugin = writePlugin(`bad-${i}`, body);
      const secrets = new SecretSet();
      const err: any = await runExecPlugin({
        exec: execStanza(plugin.file) as any,
        context: 'c',
        secrets,
        stdinIsTerminal: false,
      }).catch((e) => e);
      assert.equal(err.exitCode, 4);
      assert.match(err.message, message);
      assert.doesNotMatch(err.message, /QwErTy|wrong-kind|keyline/);
    }
    const raw = new SecretSet();
    await runExecPlugin({
      exec: execStanza(writePlugin('raw', `process.stdout.write('plain-token-QwErTy12345\\n');`).file) as any,
      context: 'c',
      secrets: raw,
      stdinIsTerminal: false,
    }).catch(() => {});
    assert.equal(
      raw.redact('sent plain-token-QwErTy12345'),
      'sent <redacted>',
      'a raw token printed by the plugin is a secret',
    );
  });

  test('a plugin that cannot be found names the command and shows its installHint', async () => {
    const err: any = await runExecPlugin({
      exec: execStanza('/nonexistent/kubectl-login', {
        installHint: 'install it with: brew install corp-login',
      }) as any,
      context: 'c',
      secrets: new SecretSet(),
    }).catch((e) => e);
    assert.match(
      err.message,
      /the credential plugin "\/nonexistent\/kubectl-login" of context "c" was not found \(ENOENT\)/,
    );
    assert.equal(err.hint, 'install it with: brew install corp-login');
  });
});

describe('redaction of every credential bgctl holds', () => {
  test('Bearer and Basic values are redacted up to whitespace or a quote, punctuation included', () => {
    assert.equal(redactText('auth: Bearer abc:def!x/y+z= rest'), 'auth: Bearer <redacted> rest');
    assert.equal(redactText('"Authorization":"Bearer abc:def!x"'), '"Authorization":"Bearer <redacted>"');
    assert.equal(redactText("sent 'Basic dXNlcjpwYXNz' to"), "sent 'Basic <redacted>' to");
    assert.equal(
      redactText('Bearer <redacted>, User-Agent: x'),
      'Bearer <redacted>, User-Agent: x',
      'already redacted text is left alone',
    );
  });

  test('user:password in URLs and access_token query values are redacted; displayUrl drops them', () => {
    assert.equal(
      redactText('GET https://alice:s3cr%21t@k.example:6443/api?access_token=abc.def&x=1'),
      'GET https://<redacted>@k.example:6443/api?access_token=<redacted>&x=1',
    );
    assert.equal(
      displayUrl('https://alice:s3cret@k.example:6443/?access_token=abc'),
      'https://k.example:6443/?access_token=<redacted>',
    );
    assert.equal(displayUrl('https://k.example:6443'), 'https://k.example:6443');
    const s = new SecretSet();
    s.addUrlCredentials('https://alice:s3cr%21t-pw@k.example/?access_token=query-token-1');
    assert.equal(
      s.redact('pw s3cr!t-pw, query query-token-1, basic ' + Buffer.from('alice:s3cr!t-pw').toString('base64')),
      'pw <redacted>, query <redacted>, basic <redacted>',
    );
  });

  test('client key material is redacted whole and line by line; Authorization headers register their credential', () => {
    const pem =
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretkeyline1\nAnotherSecretKeyLine2xyz\n-----END RSA PRIVATE KEY-----\n';
    const s = new SecretSet();
    s.addKeyMaterial(Buffer.from(pem).toString('base64'));
    assert.equal(s.redact('echo: AnotherSecretKeyLine2xyz'), 'echo: <redacted>');
    assert.equal(s.redact(Buffer.from(pem).toString('base64')), '<redacted>');
    s.addAuthorization('Bearer refreshed-token-7788');
    assert.equal(s.redact('token refreshed-token-7788'), 'token <redacted>');
    assert.equal(redactKnown('again refreshed-token-7788'), 'again <redacted>', 'known process-wide');
  });

  test('BGCTL_DEBUG prints the cause chain, without any credential the process holds', async () => {
    new SecretSet().add('debug-chain-token-5566');
    const r = await runCli(['status', 'x', '--kubeconfig', '/nonexistent/kubeconfig-debug-chain-token-5566'], {
      env: { BGCTL_DEBUG: '1' },
    });
    assert.equal(r.code, 4);
    assert.match(r.stderr, /kubeconfig-<redacted>/);
    assert.doesNotMatch(r.stderr, /debug-chain-token-5566/);
    // A chain: the error the user sees wraps the one that carried the credential.
    const outer = new FailedError('step failed', {
      cause: new Error('upstream echoed debug-chain-token-5566 and Bearer abc:def!x'),
    });
    const trace = debugTrace(outer);
    assert.match(
      trace,
      /FailedError: step failed[\s\S]*\nCaused by: Error: upstream echoed <redacted> and Bearer <redacted>/,
    );
    assert.doesNotMatch(trace, /debug-chain|abc:def/);
  });
});
