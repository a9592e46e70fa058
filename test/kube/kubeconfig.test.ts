import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ClusterAccessError } from '../../src/core/errors.js';
import { loadKubeconfig, kubeconfigPaths } from '../../src/kube/kubeconfig.js';

let dir: string;
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
};

function config(opts: {
  cluster: string;
  server: string;
  user: string;
  token?: string;
  context: string;
  current?: string;
  namespace?: string;
  extra?: string;
}): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: ${opts.cluster}
  cluster:
    server: ${opts.server}
users:
- name: ${opts.user}
  user:
    token: ${opts.token ?? 'tok-' + opts.user}
contexts:
- name: ${opts.context}
  context:
    cluster: ${opts.cluster}
    user: ${opts.user}
${opts.namespace ? `    namespace: ${opts.namespace}\n` : ''}${opts.current ? `current-context: ${opts.current}\n` : ''}${opts.extra ?? ''}`;
}

async function rejects(p: Promise<unknown>, reason: string, pattern: RegExp) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ClusterAccessError, `expected ClusterAccessError, got ${String(err)}`);
    assert.equal(err.exitCode, 4);
    assert.equal(err.reason, reason);
    assert.match(err.message, pattern);
    assert.ok(err.hint, 'has a hint');
    return true;
  });
}

describe('kubeconfig loading', () => {
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bgctl-kc-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('--kubeconfig wins over KUBECONFIG, which wins over ~/.kube/config', () => {
    const env = { KUBECONFIG: ['/a', '/b', '', '/a'].join(path.delimiter) };
    assert.deepEqual(kubeconfigPaths({ kubeconfig: '/x', env }), { paths: ['/x'], origin: 'flag' });
    assert.deepEqual(kubeconfigPaths({ env }), { paths: ['/a', '/b'], origin: 'env' });
    assert.deepEqual(kubeconfigPaths({ env: {}, homeDir: '/home/u' }), {
      paths: ['/home/u/.kube/config'],
      origin: 'home',
    });
  });

  test('a missing file is a ClusterAccessError with a hint', async () => {
    await rejects(
      loadKubeconfig({ kubeconfig: path.join(dir, 'nope') }),
      'KubeconfigNotFound',
      /kubeconfig not found: .*nope/,
    );
    await rejects(
      loadKubeconfig({ env: {}, homeDir: path.join(dir, 'nohome') }),
      'KubeconfigNotFound',
      /default location/,
    );
    await rejects(
      loadKubeconfig({ env: { KUBECONFIG: path.join(dir, 'n1') + path.delimiter + path.join(dir, 'n2') } }),
      'KubeconfigNotFound',
      /none of the kubeconfig files/,
    );
  });

  test('an empty file is reported as empty', async () => {
    await rejects(loadKubeconfig({ kubeconfig: file('empty', '') }), 'KubeconfigEmpty', /is empty/);
    await rejects(loadKubeconfig({ kubeconfig: file('blank', '\n# only a comment\n') }), 'KubeconfigEmpty', /is empty/);
  });

  test('malformed YAML and wrong shapes name the file', async () => {
    await rejects(
      loadKubeconfig({ kubeconfig: file('bad.yaml', 'clusters: [\n  - name: a\n  cluster: {') }),
      'KubeconfigInvalid',
      /bad\.yaml is not valid YAML/,
    );
    await rejects(
      loadKubeconfig({ kubeconfig: file('list.yaml', '- a\n- b\n') }),
      'KubeconfigInvalid',
      /top level must be a mapping/,
    );
    await rejects(
      loadKubeconfig({ kubeconfig: file('shape.yaml', 'clusters: 3\n') }),
      'KubeconfigInvalid',
      /"clusters" must be a list/,
    );
  });

  test('unknown --context and no current context list the available contexts', async () => {
    const p = file('two.yaml', config({ cluster: 'c', server: 'https://127.0.0.1:1', user: 'u', context: 'one' }));
    await rejects(
      loadKubeconfig({ kubeconfig: p, context: 'zzz' }),
      'UnknownContext',
      /context "zzz" is not in the kubeconfig/,
    );
    await assert.rejects(loadKubeconfig({ kubeconfig: p, context: 'zzz' }), (e: any) =>
      /available contexts: one/.test(e.hint),
    );
    await rejects(loadKubeconfig({ kubeconfig: p }), 'NoCurrentContext', /no current context/);
    const ok = await loadKubeconfig({ kubeconfig: p, context: 'one' });
    assert.equal(ok.contextName, 'one');
  });

  test('a context pointing at a missing cluster is an error', async () => {
    const p = file('dangling.yaml', 'contexts:\n- name: x\n  context:\n    cluster: gone\ncurrent-context: x\n');
    await rejects(
      loadKubeconfig({ kubeconfig: p }),
      'KubeconfigInvalid',
      /cluster "gone", which is not in the kubeconfig/,
    );
  });

  test('KUBECONFIG merges kubectl-style: the first file wins for every key and for current-context', async () => {
    const a = file(
      'merge/a',
      config({
        cluster: 'shared',
        server: 'https://127.0.0.1:1111',
        user: 'shared',
        token: 'token-from-a',
        context: 'ctx-a',
        current: 'ctx-a',
        namespace: 'ns-a',
      }),
    );
    const b = file(
      'merge/b',
      config({
        cluster: 'shared',
        server: 'https://127.0.0.1:2222',
        user: 'shared',
        token: 'token-from-b',
        context: 'ctx-b',
        current: 'ctx-b',
        namespace: 'ns-b',
      }),
    );
    const missing = path.join(dir, 'merge/missing');
    const env = { KUBECONFIG: [a, missing, b].join(path.delimiter) };
    const first = await loadKubeconfig({ env });
    assert.equal(first.contextName, 'ctx-a');
    assert.equal(first.server, 'https://127.0.0.1:1111');
    assert.equal(first.namespace, 'ns-a');
    assert.deepEqual(first.sources, [a, b]);
    // ctx-b comes from the second file, but its cluster and user names resolve to the first file's entries.
    const other = await loadKubeconfig({ env, context: 'ctx-b' });
    assert.equal(other.server, 'https://127.0.0.1:1111');
    assert.equal(other.kubeConfig.getCurrentUser()?.token, 'token-from-a');
    assert.equal(other.namespace, 'ns-b');
    // Reversed order: now b wins.
    const rev = await loadKubeconfig({ env: { KUBECONFIG: [b, a].join(path.delimiter) } });
    assert.equal(rev.contextName, 'ctx-b');
    assert.equal(rev.server, 'https://127.0.0.1:2222');
  });

  test('namespace: -n, else the context namespace, else default', async () => {
    const p = file(
      'ns.yaml',
      config({
        cluster: 'c',
        server: 'https://127.0.0.1:1',
        user: 'u',
        context: 'with',
        current: 'with',
        namespace: 'team',
      }),
    );
    assert.equal((await loadKubeconfig({ kubeconfig: p })).namespace, 'team');
    assert.equal((await loadKubeconfig({ kubeconfig: p, namespace: 'flag' })).namespace, 'flag');
    await assert.rejects(
      loadKubeconfig({ kubeconfig: p, namespace: 'Prod' }),
      (e: any) => e.exitCode === 2 && /invalid namespace "Prod": a lowercase RFC 1123 label/.test(e.message),
    );
    await assert.rejects(
      loadKubeconfig({ kubeconfig: p, namespace: 'a'.repeat(64) }),
      (e: any) => e.exitCode === 2 && /no more than 63 characters/.test(e.message),
    );
    assert.equal((await loadKubeconfig({ kubeconfig: p, namespace: '1prod' })).namespace, '1prod');
    const q = file(
      'nons.yaml',
      config({ cluster: 'c', server: 'https://127.0.0.1:1', user: 'u', context: 'plain', current: 'plain' }),
    );
    const d = await loadKubeconfig({ kubeconfig: q });
    assert.equal(d.namespace, 'default');
    assert.equal(d.namespaceFrom, 'default');
  });

  test('token-file is read relative to the kubeconfig and trimmed; the token is registered as a secret', async () => {
    file('tf/token', 'secret-token-value-123\n');
    const p = file(
      'tf/config',
      `clusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1/\nusers:\n- name: u\n  user:\n    token-file: token\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`,
    );
    const loaded = await loadKubeconfig({ kubeconfig: p });
    assert.equal(loaded.kubeConfig.getCurrentUser()?.token, 'secret-token-value-123');
    assert.equal(loaded.server, 'https://127.0.0.1:1');
    assert.deepEqual([...loaded.secrets], ['secret-token-value-123']);
    const bad = file(
      'tf/bad',
      `clusters:\n- name: c\n  cluster: {server: 'https://h'}\nusers:\n- name: u\n  user: {token-file: missing-token}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`,
    );
    await rejects(
      loadKubeconfig({ kubeconfig: bad }),
      'KubeconfigInvalid',
      /cannot read the token-file .*missing-token/,
    );
  });

  test('credentials of every kind are registered; the printable server has no user:password; exec stays with bgctl', async () => {
    const key = Buffer.from(
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAkubeconfigKeyLine01\n-----END RSA PRIVATE KEY-----\n',
    ).toString('base64');
    const p = file(
      'creds/config',
      `clusters:\n- name: c\n  cluster:\n    server: https://alice:url-pass-123@127.0.0.1:1/?access_token=query-token-456\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    client-key-data: ${key}\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: my-plugin, interactiveMode: Never}\n    auth-provider: {name: oidc, config: {id-token: oidc-id-token-789, refresh-token: oidc-refresh-000}}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`,
    );
    const loaded = await loadKubeconfig({ kubeconfig: p });
    assert.equal(loaded.server, 'https://127.0.0.1:1/?access_token=<redacted>');
    assert.doesNotMatch(loaded.warnings.join('\n'), /url-pass|query-token/);
    const text = 'url-pass-123 query-token-456 MIIEpAIBAAKCAQEAkubeconfigKeyLine01 oidc-id-token-789 oidc-refresh-000';
    assert.equal(loaded.secrets.redact(text), '<redacted> <redacted> <redacted> <redacted> <redacted>');
    // client-node must not run the plugin itself (unbounded, with an open stdin): bgctl does.
    assert.equal((loaded.kubeConfig.getCurrentUser() as any)?.exec, undefined);
    assert.equal(loaded.exec?.config.command, 'my-plugin');
    assert.equal(loaded.exec?.cluster['insecure-skip-tls-verify'], true);
  });

  test('insecure-skip-tls-verify is honoured only when asked, with a warning', async () => {
    const plain = file(
      'tls/plain',
      config({ cluster: 'c', server: 'https://127.0.0.1:1', user: 'u', context: 'x', current: 'x' }),
    );
    const quiet = await loadKubeconfig({ kubeconfig: plain });
    assert.equal(quiet.insecure, false);
    assert.deepEqual(quiet.warnings, []);
    assert.equal(quiet.kubeConfig.getCurrentCluster()?.skipTLSVerify, false);
    const flagged = await loadKubeconfig({ kubeconfig: plain, insecureSkipTlsVerify: true });
    assert.equal(flagged.insecure, true);
    assert.match(flagged.warnings[0], /--insecure-skip-tls-verify/);
    const inFile = file(
      'tls/insecure',
      `clusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n    insecure-skip-tls-verify: true\n    certificate-authority: ca.pem\ncontexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n`,
    );
    const l = await loadKubeconfig({ kubeconfig: inFile });
    assert.equal(l.insecure, true);
    assert.match(l.warnings[0], /insecure-skip-tls-verify in the kubeconfig \(cluster "c"\)/);
    assert.equal(l.kubeConfig.getCurrentCluster()?.caFile, undefined);
    // The string "true" is not the boolean true (client-go and client-node agree).
    const str = file(
      'tls/string',
      `clusters:\n- name: c\n  cluster:\n    server: https://h\n    insecure-skip-tls-verify: "true"\ncontexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n`,
    );
    assert.equal((await loadKubeconfig({ kubeconfig: str })).insecure, false);
  });

  test('relative certificate paths resolve against the file that names them', async () => {
    const p = file(
      'rel/sub/config',
      `clusters:\n- name: c\n  cluster:\n    server: https://h\n    certificate-authority: ../ca.pem\nusers:\n- name: u\n  user:\n    client-certificate: certs/u.crt\n    client-key: /abs/u.key\n    exec: {command: ./bin/plugin, args: [a]}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`,
    );
    const l = await loadKubeconfig({ kubeconfig: p });
    assert.equal(l.kubeConfig.getCurrentCluster()?.caFile, path.join(dir, 'rel/ca.pem'));
    assert.equal(l.kubeConfig.getCurrentUser()?.certFile, path.join(dir, 'rel/sub/certs/u.crt'));
    assert.equal(l.kubeConfig.getCurrentUser()?.keyFile, '/abs/u.key');
    assert.equal(l.execCommand, path.join(dir, 'rel/sub/bin/plugin'));
  });
});
