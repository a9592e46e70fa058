import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ClusterAccessError, FailedError } from '../../src/core/errors.js';
import { createKnativeClient, collect } from '../../src/kube/client.js';
import { waitForService } from '../../src/kube/wait.js';
import { usePlayground } from '../helpers/playground.js';
import { kubeconfigVariant, requests, service, sim } from './sim-helpers.js';
import { tempDir } from '../helpers/temp-dir.js';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function expectAccessError(p: Promise<unknown>, reason: string, pattern?: RegExp): Promise<ClusterAccessError> {
  let caught: unknown;
  await assert.rejects(p, (e: unknown) => ((caught = e), true));
  assert.ok(caught instanceof ClusterAccessError, `expected ClusterAccessError, got ${String(caught)}`);
  assert.equal(caught.exitCode, 4);
  assert.equal(caught.reason, reason, caught.message);
  if (pattern) assert.match(caught.message, pattern);
  return caught;
}

describe('KnativeClient against the playground', () => {
  const pg = usePlayground({ sample: 'hello' });

  before(async () => {
    const nsDef = pg.current.registry.resource('namespaces', '')!;
    pg.current.registry.create(
      nsDef,
      undefined,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'paging' } },
      { user: 'test' },
    );
  });

  test('reads the sample service, its revisions page by page, and one revision', async () => {
    const c = await createKnativeClient({ kubeconfig: pg.current.kubeconfigPath });
    assert.equal(c.namespace, 'default');
    assert.equal(c.context, 'bgctl-playground');
    const svc = await c.getService('hello');
    assert.equal(svc.kind, 'Service');
    assert.equal(svc.spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v1');
    const revs = await c.listRevisions('hello');
    assert.deepEqual(
      revs.map((r) => r.metadata.name),
      ['hello-00001'],
    );
    const pages = await collect(c.revisionPages('hello', { pageSize: 1 }));
    assert.equal(pages.length, 1);
    assert.equal((await c.getRevision('hello-00001')).kind, 'Revision');
  });

  test('creates, lists with limit/continue, patches (also dry-run), annotates a revision and deletes one', async () => {
    const c = await createKnativeClient({ kubeconfig: pg.current.kubeconfigPath, namespace: 'paging' });
    for (const n of ['p1', 'p2', 'p3']) await c.createService(service(n));
    await sim(pg.current, 'DELETE', 'requests');
    const names = (await c.listServices({ pageSize: 2 })).map((s) => s.metadata.name).sort();
    assert.deepEqual(names, ['p1', 'p2', 'p3']);
    const lists = await requests(pg.current, { verb: 'list', resource: 'services' });
    assert.equal(lists.length, 2);
    assert.equal(lists[0].query.limit, '2');
    assert.ok(lists[1].query.continue, 'second page asked with continue');
    const all = await c.listServices({ allNamespaces: true });
    assert.ok(all.some((s) => s.metadata.name === 'hello' && s.metadata.namespace === 'default'));

    const dry = await c.patchService(
      'p1',
      [{ op: 'add', path: '/metadata/annotations/bgctl.dev~1phase', value: 'dry' }],
      { dryRun: 'All' },
    );
    assert.equal(dry.metadata.annotations?.['bgctl.dev/phase'], 'dry');
    assert.equal((await c.getService('p1')).metadata.annotations?.['bgctl.dev/phase'], undefined);
    const patched = await c.patchService('p1', [
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'ghcr.io/bgctl/hello:v2' },
    ]);
    assert.equal(patched.spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v2');
    const patches = await requests(pg.current, { verb: 'patch', resource: 'services', name: 'p1' });
    assert.equal(patches.at(-1)?.query.fieldManager, 'bgctl');
    assert.equal(patches[0].query.dryRun, 'All');

    const ready = await waitForService(c, 'p1', { timeoutMs: 20_000, from: patched });
    assert.equal(ready.status?.latestCreatedRevisionName, 'p1-00002');
    const rev = await c.mergePatchRevision('p1-00001', { metadata: { annotations: { 'bgctl.dev/retired': 'true' } } });
    assert.equal(rev.metadata.annotations?.['bgctl.dev/retired'], 'true');
    await c.deleteRevision('p1-00001');
    await assert.rejects(
      c.getRevision('p1-00001'),
      (e: unknown) => e instanceof FailedError && e.reason === 'NotFound',
    );
  });

  test('a missing service is FailedError with a hint; a missing namespace is named', async () => {
    const c = await createKnativeClient({ kubeconfig: pg.current.kubeconfigPath });
    await assert.rejects(
      c.getService('nope'),
      (e: unknown) =>
        e instanceof FailedError &&
        e.reason === 'NotFound' &&
        /service "nope" not found in namespace "default"/.test(e.message) &&
        !!e.hint,
    );
    const other = await createKnativeClient({ kubeconfig: pg.current.kubeconfigPath, namespace: 'no-such-ns' });
    await assert.rejects(
      other.createService(service('x')),
      (e: unknown) => e instanceof FailedError && e.reason === 'NamespaceNotFound',
    );
  });

  test('the server validation message comes through on a rejected write', async () => {
    const c = await createKnativeClient({ kubeconfig: pg.current.kubeconfigPath });
    await assert.rejects(
      c.patchService('hello', [
        { op: 'add', path: '/spec/traffic', value: [{ revisionName: 'hello-00001', percent: 90 }] },
      ]),
      (e: unknown) =>
        e instanceof FailedError && e.exitCode === 1 && /rejected the patch of service "hello": .*100/.test(e.message),
    );
  });

  test('401 with a wrong token, 403 with the read-only kubeconfig', async () => {
    const wrong = kubeconfigVariant(pg.current, (d) => (d.users[0].user.token = 'definitely-not-the-token'));
    const c = await createKnativeClient({ kubeconfig: wrong });
    const e401 = await expectAccessError(c.getService('hello'), 'Unauthorized', /401/);
    assert.doesNotMatch(e401.message + e401.hint, /definitely-not-the-token/);
    const ro = await createKnativeClient({ kubeconfig: pg.current.readOnlyKubeconfigPath });
    assert.equal((await ro.getService('hello')).metadata.name, 'hello');
    const e403 = await expectAccessError(
      ro.patchService('hello', [{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }]),
      'Forbidden',
      /not allowed to patch service "hello" in namespace "default"/,
    );
    assert.equal(
      e403.hint,
      'check your permissions with: kubectl auth can-i patch services.serving.knative.dev -n default',
    );
  });

  test('connection refused and an unknown CA are exit-4 errors naming the cause', async () => {
    const port = await freePort();
    const refused = kubeconfigVariant(pg.current, (d) => (d.clusters[0].cluster.server = `https://127.0.0.1:${port}`));
    await expectAccessError(
      (await createKnativeClient({ kubeconfig: refused })).getService('hello'),
      'ConnectionRefused',
      /connection refused/,
    );

    const noCa = kubeconfigVariant(pg.current, (d) => delete d.clusters[0].cluster['certificate-authority-data']);
    await expectAccessError(
      (await createKnativeClient({ kubeconfig: noCa })).getService('hello'),
      'TLSVerificationFailed',
      /not trusted/,
    );
    // NODE_TLS_REJECT_UNAUTHORIZED=0 must not silently turn verification off: only the kubeconfig or a flag may.
    const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      await expectAccessError(
        (await createKnativeClient({ kubeconfig: noCa })).getService('hello'),
        'TLSVerificationFailed',
      );
    } finally {
      if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
    }
    const insecure = await createKnativeClient({ kubeconfig: noCa, insecureSkipTlsVerify: true });
    assert.match(insecure.warnings[0], /TLS certificate verification is disabled/);
    assert.equal((await insecure.getService('hello')).metadata.name, 'hello');
  });

  test('--request-timeout turns a hanging request into an exit-4 error, without retrying it', async () => {
    const c = await createKnativeClient({
      kubeconfig: pg.current.kubeconfigPath,
      requestTimeoutMs: 300,
      retry: { sleep: async () => assert.fail('a timeout must not be retried') },
    });
    await sim(pg.current, 'POST', 'faults', { latencyMs: 3000 });
    try {
      await expectAccessError(c.getService('hello'), 'RequestTimeout', /did not answer within 300ms/);
    } finally {
      await sim(pg.current, 'DELETE', 'faults');
    }
  });

  test('token-file and exec credential plugins authenticate through client-node', async () => {
    const dir = tempDir('bgctl-cred-');
    writeFileSync(path.join(dir, 'token'), `${pg.current.token}\n`);
    const tf = kubeconfigVariant(pg.current, (d) => {
      delete d.users[0].user.token;
      d.users[0].user['token-file'] = path.join(dir, 'token');
    });
    assert.equal((await (await createKnativeClient({ kubeconfig: tf })).getService('hello')).metadata.name, 'hello');

    const plugin = path.join(dir, 'plugin.mjs');
    writeFileSync(
      plugin,
      `import { readFileSync } from 'node:fs';
const [mode, tokenFile] = process.argv.slice(2);
if (mode === 'fail') { process.stderr.write('error: you must log in first (run: corp-login)\\n'); process.exit(1); }
const token = readFileSync(tokenFile, 'utf8').trim();
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential',
  status: { token, expirationTimestamp: new Date(Date.now() + 3600e3).toISOString() } }));
`,
    );
    const exec = (mode: string) =>
      kubeconfigVariant(pg.current, (d) => {
        delete d.users[0].user.token;
        d.users[0].user.exec = {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: process.execPath,
          args: [plugin, mode, path.join(dir, 'token')],
          interactiveMode: 'Never',
        };
      });
    const lines: string[] = [];
    const ok = await createKnativeClient({ kubeconfig: exec('ok'), verbose: (l) => lines.push(l) });
    assert.equal((await ok.getService('hello')).metadata.name, 'hello');
    assert.ok(lines.some((l) => l.includes('Authorization: Bearer <redacted>')));
    assert.ok(lines.every((l) => !l.includes(pg.current.token)));
    await expectAccessError(
      createKnativeClient({ kubeconfig: exec('fail') }),
      'CredentialPluginFailed',
      /credential plugin .* failed with exit code 1 \(its error output, \d+ bytes, is not shown: it may hold credentials\)$/,
    );
  });

  test('--verbose traces method, URL, status and duration, and never the token', async () => {
    const lines: string[] = [];
    const c = await createKnativeClient({ kubeconfig: pg.current.kubeconfigPath, verbose: (l) => lines.push(l) });
    await c.getService('hello');
    await c.getService('nope').catch(() => {});
    // A template change makes a new revision, so the wait has to watch.
    const patched = await c.patchService('hello', [
      { op: 'add', path: '/spec/template/spec/containers/0/env', value: [{ name: 'TRACED', value: 'yes' }] },
    ]);
    await waitForService(c, 'hello', { timeoutMs: 10_000, from: patched });
    const text = lines.join('\n');
    assert.match(
      text,
      /^GET https:\/\/127\.0\.0\.1:\d+\/apis\/serving\.knative\.dev\/v1\/namespaces\/default\/services\/hello 200 in \d+ ms$/m,
    );
    assert.match(text, /^GET .*\/services\/nope 404 in \d+ ms$/m);
    assert.match(text, /^PATCH .*\/services\/hello\?fieldManager=bgctl 200 in \d+ ms$/m);
    assert.match(text, /Content-Type: application\/json-patch\+json/);
    assert.match(text, /watch=true.*fieldSelector=metadata\.name%3Dhello/);
    assert.match(text, /Authorization: Bearer <redacted>/);
    assert.ok(!text.includes(pg.current.token), 'the token never appears');
  });
});
