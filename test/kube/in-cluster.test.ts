// In a pod without a kubeconfig, bgctl uses the service account like client-go's in-cluster config. The pod is
// simulated: KUBERNETES_SERVICE_HOST/PORT point at the playground and BGCTL_SERVICEACCOUNT_DIR at a directory
// holding token, ca.crt and namespace, as the kubelet mounts them.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { runCli } from '../helpers/cli.js';
import { usePlayground } from '../helpers/playground.js';
import { createKnativeClient } from '../../src/kube/client.js';
import { ClusterAccessError } from '../../src/core/errors.js';
import { NOT_IN_CLUSTER, joinHostPort } from '../../src/kube/in-cluster.js';

interface Kubeconfig {
  clusters: Array<{ cluster: { 'certificate-authority-data': string } }>;
  users: Array<{ user: { token: string } }>;
}

describe('in-cluster configuration (no kubeconfig, a pod service account)', () => {
  const pg = usePlayground({ sample: 'hello', namespace: 'team-a' });
  let home: string;
  let sa: string;
  let caPem: string;
  let readOnlyToken: string;

  before(() => {
    home = mkdtempSync(join(tmpdir(), 'bgctl-pod-home-'));
    sa = join(home, 'serviceaccount');
    mkdirSync(sa);
    const kc = yaml.load(pg.current.kubeconfig) as Kubeconfig;
    caPem = Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString('utf8');
    readOnlyToken = (yaml.load(readFileSync(pg.current.readOnlyKubeconfigPath, 'utf8')) as Kubeconfig).users[0].user
      .token;
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  /** The service account files as the kubelet mounts them (a piece set to undefined is left out). */
  function mount(files: { token?: string; 'ca.crt'?: string; namespace?: string }): void {
    for (const name of ['token', 'ca.crt', 'namespace'] as const) {
      rmSync(join(sa, name), { force: true });
      const text = files[name];
      if (text !== undefined) writeFileSync(join(sa, name), text);
    }
  }

  /** A pod's environment: no KUBECONFIG, a HOME without .kube/config, the service host and port. */
  function podEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    const url = new URL(pg.current.server);
    return {
      HOME: home,
      KUBERNETES_SERVICE_HOST: url.hostname,
      KUBERNETES_SERVICE_PORT: url.port,
      BGCTL_SERVICEACCOUNT_DIR: sa,
      ...extra,
    };
  }

  const fullMount = () => ({ token: `${pg.current.token}\n`, 'ca.crt': caPem, namespace: 'team-a\n' });

  test('status works with the service account, in the namespace of its namespace file; --verbose names the source', async () => {
    mount(fullMount());
    const r = await runCli(['status', 'hello', '--verbose'], { env: podEnv() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Service: hello \(namespace team-a\)$/m);
    const url = new URL(pg.current.server);
    assert.match(
      r.stderr,
      new RegExp(
        `^Using in-cluster configuration \\(service account ${sa}, server https://${url.hostname}:${url.port}, ` +
          `namespace "team-a" from service account\\)$`,
        'm',
      ),
    );
    assert.ok(!r.stderr.includes(pg.current.token), 'the token is never printed, not even in the --verbose trace');
    assert.match(r.stderr, /Authorization: Bearer <redacted>/);
  });

  test('POD_NAMESPACE wins over the namespace file, and -n over both (clientcmd order)', async () => {
    mount(fullMount());
    const fromEnv = await runCli(['status', 'hello', '-o', 'json'], { env: podEnv({ POD_NAMESPACE: 'default' }) });
    assert.equal(fromEnv.code, 1, fromEnv.stderr);
    assert.match(fromEnv.stderr, /not found in namespace "default"/);
    const fromFlag = await runCli(['status', 'hello', '-n', 'team-a'], { env: podEnv({ POD_NAMESPACE: 'default' }) });
    assert.equal(fromFlag.code, 0, fromFlag.stderr);
  });

  test('no namespace file: the namespace is "default"', async () => {
    mount({ ...fullMount(), namespace: undefined });
    const r = await runCli(['status', '--verbose'], { env: podEnv() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /namespace "default" from default\)/);
  });

  test('a kubeconfig at ~/.kube/config wins over the pod configuration (like kubectl)', async () => {
    mount(fullMount());
    const withConfig = mkdtempSync(join(tmpdir(), 'bgctl-pod-kube-'));
    try {
      mkdirSync(join(withConfig, '.kube'));
      writeFileSync(join(withConfig, '.kube', 'config'), pg.current.kubeconfig);
      const r = await runCli(['status', '--verbose', '-n', 'team-a'], { env: podEnv({ HOME: withConfig }) });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^Using kubeconfig .*\.kube\/config \(context "[^"]+"\)$/m);
    } finally {
      rmSync(withConfig, { recursive: true, force: true });
    }
  });

  test('a rotated token file is read again: the next request of the same client sends the new token', async () => {
    mount(fullMount());
    const client = await createKnativeClient({ env: podEnv() });
    assert.equal(client.namespace, 'team-a');
    assert.equal((await client.getService('hello')).metadata.name, 'hello');

    // The read-only token: reads pass, a write is refused as bgctl-viewer, so that token was sent.
    writeFileSync(join(sa, 'token'), readOnlyToken);
    assert.equal((await client.getService('hello')).metadata.name, 'hello');
    await assert.rejects(
      client.mergePatchRevision('hello-00001', { metadata: { labels: { x: 'y' } } }, { dryRun: 'All' }),
      (err: ClusterAccessError) => err.reason === 'Forbidden' && /bgctl-viewer/.test(err.message),
    );

    // A revoked token: the playground refuses it, and the error names the file, never the token.
    const revoked = 'revoked-0123456789abcdef';
    writeFileSync(join(sa, 'token'), revoked);
    await assert.rejects(client.getService('hello'), (err: ClusterAccessError) => {
      assert.equal(err.reason, 'Unauthorized');
      assert.match(err.message, new RegExp(`service account token of ${join(sa, 'token')}`));
      assert.ok(!err.message.includes(revoked) && !(err.hint ?? '').includes(revoked));
      return true;
    });

    writeFileSync(join(sa, 'token'), pg.current.token);
    assert.equal((await client.getService('hello')).metadata.name, 'hello');
  });

  test("not in a pod: client-go's message, naming the variable that is missing (exit 4)", async () => {
    mount(fullMount());
    const r = await runCli(['status'], { env: podEnv({ KUBERNETES_SERVICE_PORT: undefined }) });
    assert.equal(r.code, 4);
    assert.ok(r.stderr.includes(`Error: ${NOT_IN_CLUSTER} (KUBERNETES_SERVICE_PORT not set;`), r.stderr);
    assert.match(r.stderr, /no kubeconfig at .*\.kube\/config either/);
    assert.match(r.stderr, /^Hint: outside a pod, pass --kubeconfig/m);
  });

  test('no pod signals at all: the usual "kubeconfig not found" error is unchanged', async () => {
    const r = await runCli(['status'], { env: { HOME: home } });
    assert.equal(r.code, 4);
    assert.match(r.stderr, /^Error: kubeconfig not found: .*\.kube\/config \(the default location\)$/m);
  });

  test('missing or empty token file: the error names the file (exit 4)', async () => {
    mount({ ...fullMount(), token: undefined });
    const none = await runCli(['status', '-o', 'json'], { env: podEnv() });
    assert.equal(none.code, 4);
    assert.ok(none.stderr.includes(`cannot read the service account token ${join(sa, 'token')} (ENOENT)`));
    assert.match(none.stderr, /automountServiceAccountToken: false/);
    assert.match(none.stdout, /"reason": "InClusterTokenMissing"/);

    mount({ ...fullMount(), token: '\n' });
    const empty = await runCli(['status'], { env: podEnv() });
    assert.equal(empty.code, 4);
    assert.ok(empty.stderr.includes(`the service account token ${join(sa, 'token')} is empty`));
  });

  test('missing ca.crt: a warning like client-go, then the server is not trusted (exit 4)', async () => {
    mount({ ...fullMount(), 'ca.crt': undefined });
    const r = await runCli(['status'], { env: podEnv() });
    assert.equal(r.code, 4);
    assert.ok(r.stderr.includes(`Warning: cannot load the cluster CA from ${join(sa, 'ca.crt')} (ENOENT)`));
    assert.match(r.stderr, /not trusted/);
    assert.match(r.stderr, /^Hint: the in-cluster CA \(none could be loaded\) does not verify the server$/m);
    assert.ok(!r.stderr.includes(pg.current.token));
  });

  test('--context in a pod without a kubeconfig is refused, not ignored', async () => {
    mount(fullMount());
    const r = await runCli(['status', '--context', 'prod'], { env: podEnv() });
    assert.equal(r.code, 4);
    assert.match(r.stderr, /context "prod" does not exist: there is no kubeconfig/);
  });

  test('an IPv6 service host is bracketed like net.JoinHostPort', async () => {
    assert.equal(joinHostPort('10.96.0.1', '443'), '10.96.0.1:443');
    assert.equal(joinHostPort('fd00::1', '443'), '[fd00::1]:443');
    mount(fullMount());
    const r = await runCli(['status', '--verbose', '--request-timeout', '2s'], {
      env: podEnv({ KUBERNETES_SERVICE_HOST: '::1', KUBERNETES_SERVICE_PORT: '1' }),
    });
    assert.match(r.stderr, /server https:\/\/\[::1\]:1,/);
  });
});
