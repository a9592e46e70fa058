import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKubectl, requireKubectl, type Kubectl } from '../../helpers/kubectl.js';
import { startApiFixture, ksvc, type ApiFixture } from './fixture.js';
import { until } from '../wait.js';

const SVC = 'service.serving.knative.dev';

describe('the real kubectl against the API server', () => {
  let f: ApiFixture;
  before(async () => {
    f = await startApiFixture();
  });
  // One kubectl (and cache dir) per kubeconfig for the whole file: the server and its resources
  // do not change within the file, so discovery stays valid, and a loaded machine is spared a
  // full discovery + OpenAPI download per test.
  const runners = new Map<string, Kubectl>();
  after(() => {
    for (const k of runners.values()) k.dispose();
    return f.stop();
  });

  /** The file's kubectl for `kubeconfig`, or undefined when the test was skipped. */
  function kubectlFor(t: Parameters<typeof requireKubectl>[0], kubeconfig = f.kubeconfigPath): Kubectl | undefined {
    const bin = requireKubectl(t);
    if (!bin) return undefined;
    let k = runners.get(kubeconfig);
    if (!k) runners.set(kubeconfig, (k = createKubectl(bin, kubeconfig)));
    return k;
  }

  function seedIn(ns: string, name: string) {
    f.registry.create(f.registry.resource('services', 'serving.knative.dev')!, ns, ksvc(name), { user: 'seed' });
  }

  function seed(name: string, status?: Record<string, unknown>) {
    const svc = f.registry.resource('services', 'serving.knative.dev')!;
    const o = f.registry.create(svc, 'default', ksvc(name), { user: 'seed' });
    if (status) f.registry.updateStatus(svc, 'default', { ...o, status }, { user: 'seed' });
  }

  test('get ksvc prints the Knative printer columns', async (t) => {
    const k = kubectlFor(t);
    if (!k) return;
    seed('cols', {
      url: 'http://cols.default.example.com',
      latestCreatedRevisionName: 'cols-00001',
      latestReadyRevisionName: 'cols-00001',
      conditions: [{ type: 'Ready', status: 'True' }],
    });
    const r = await k.run(['get', 'ksvc', 'cols']);
    assert.equal(r.code, 0, r.stderr);
    const [header, row] = r.stdout.trim().split('\n');
    assert.deepEqual(header.split(/\s{2,}/), ['NAME', 'URL', 'LATESTCREATED', 'LATESTREADY', 'READY', 'REASON']);
    assert.deepEqual(row.split(/\s+/), ['cols', 'http://cols.default.example.com', 'cols-00001', 'cols-00001', 'True']);
    const all = await k.run(['get', 'ksvc', '-A']);
    assert.match(all.stdout.split('\n')[0], /^NAMESPACE\s+NAME\s+URL/);
    const ns = await k.run(['get', 'ns', 'default']);
    assert.match(ns.stdout, /^NAME\s+STATUS\s+AGE\ndefault\s+Active\s+\d+s\n$/);
  });

  test('apply (default validation), then apply --server-side, with a strict unknown-field error', async (t) => {
    const k = kubectlFor(t);
    if (!k) return;
    const file = join(f.dir, 'applied.yaml');
    writeFileSync(file, JSON.stringify(ksvc('applied')));
    let r = await k.run(['apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `${SVC}/applied created`);
    const changed = ksvc('applied', 'ghcr.io/bgctl/hello:v2');
    writeFileSync(file, JSON.stringify(changed));
    r = await k.run(['apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `${SVC}/applied configured`);
    const stored = f.registry.get(f.registry.resource('services', 'serving.knative.dev')!, 'default', 'applied');
    assert.equal(stored.spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v2');
    assert.equal(stored.metadata.generation, 2);
    r = await k.run(['apply', '--server-side', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `${SVC}/applied serverside-applied`);
    const bogus = ksvc('bogus');
    bogus.spec.bogus = true;
    writeFileSync(file, JSON.stringify(bogus));
    r = await k.run(['apply', '-f', file]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /strict decoding error: unknown field "spec\.bogus"/);
  });

  test('patch --type merge and json; the default strategic patch and its exact error', async (t) => {
    const k = kubectlFor(t);
    if (!k) return;
    seed('patched');
    let r = await k.run([
      'patch',
      'ksvc',
      'patched',
      '--type',
      'merge',
      '-p',
      '{"metadata":{"labels":{"team":"blue"}}}',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `${SVC}/patched patched`);
    r = await k.run([
      'patch',
      'ksvc',
      'patched',
      '--type',
      'json',
      '-p',
      '[{"op":"replace","path":"/spec/traffic/0/percent","value":100},{"op":"add","path":"/spec/traffic/0/tag","value":"t"}]',
    ]);
    assert.equal(r.code, 0, r.stderr);
    r = await k.run([
      'patch',
      'ksvc',
      'patched',
      '--type',
      'json',
      '-p',
      '[{"op":"test","path":"/spec/traffic/0/tag","value":"x"}]',
    ]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim(),
      'The request is invalid: the server rejected our request due to an error in our request',
    );
    r = await k.run(['patch', 'ksvc', 'patched', '-p', '{"spec":{}}']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim(),
      'error: application/strategic-merge-patch+json is not supported by serving.knative.dev/v1, Kind=Service: the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
    const svc = f.registry.get(f.registry.resource('services', 'serving.knative.dev')!, 'default', 'patched');
    assert.equal(svc.metadata.labels!.team, 'blue');
    assert.equal(svc.spec.traffic[0].tag, 't');
  });

  test('explain ksvc.spec.traffic', async (t) => {
    const k = kubectlFor(t);
    if (!k) return;
    const r = await k.run(['explain', 'ksvc.spec.traffic']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /GROUP:\s+serving\.knative\.dev/);
    assert.match(r.stdout, /KIND:\s+Service/);
    assert.match(r.stdout, /FIELD: traffic <\[\]Object>/);
    for (const field of ['latestRevision', 'percent', 'revisionName', 'tag'])
      assert.match(r.stdout, new RegExp(`\\b${field}\\b`));
  });

  test('replace with a stale resourceVersion is a Conflict', async (t) => {
    const k = kubectlFor(t);
    if (!k) return;
    seed('stale');
    const got = await k.run(['get', 'ksvc', 'stale', '-o', 'json']);
    const obj = JSON.parse(got.stdout);
    await k.run(['label', 'ksvc', 'stale', 'x=y']);
    const file = join(f.dir, 'stale.json');
    writeFileSync(file, JSON.stringify(obj));
    const r = await k.run(['replace', '-f', file]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim(),
      'Error from server (Conflict): error when replacing "' +
        file +
        '": Operation cannot be fulfilled on services.serving.knative.dev "stale": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  test('get -w streams changes as table rows', async (t) => {
    const k = kubectlFor(t);
    if (!k) return;
    seed('watched');
    const watches = (): number =>
      f.server.control.report().requests.filter((rec) => rec.verb === 'watch' && rec.path.endsWith('/services')).length;
    const watchesBefore = watches();
    const child = k.spawn(['get', 'ksvc', '-w']);
    // One listener for the whole run, so no output is dropped between two waits.
    let out = '';
    const waiters = new Set<() => void>();
    child.stdout!.on('data', (c: Buffer) => {
      out += c;
      for (const w of [...waiters]) w();
    });
    const saw = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${re}; got:\n${out}`));
        }, 60_000);
        const check = () => {
          if (!re.test(out)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    try {
      await saw(/^NAME\s+URL/m);
      await saw(/^watched\s/m);
      // kubectl prints the list, then opens the watch: write only once the watch is being served.
      await until(() => watches() > watchesBefore, "kubectl's watch to open");
      const svc = f.registry.resource('services', 'serving.knative.dev')!;
      const cur = f.registry.get(svc, 'default', 'watched');
      f.registry.updateStatus(
        svc,
        'default',
        {
          ...cur,
          status: { url: 'http://watched.default.example.com', conditions: [{ type: 'Ready', status: 'True' }] },
        },
        { user: 't' },
      );
      await saw(/^watched\s+http:\/\/watched\.default\.example\.com\s+True/m);
    } finally {
      child.kill();
    }
  });

  test('namespaces: create (protobuf body), strategic patch, delete waits until gone', async (t) => {
    const k = kubectlFor(t);
    if (!k) return;
    let r = await k.run(['create', 'ns', 'scratch']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'namespace/scratch created');
    r = await k.run(['patch', 'ns', 'scratch', '-p', '{"metadata":{"labels":{"team":"blue"}}}']);
    assert.equal(r.code, 0, r.stderr);
    const nsDef = f.registry.resource('namespaces', '')!;
    assert.equal(f.registry.get(nsDef, undefined, 'scratch').metadata.labels!.team, 'blue');
    seedIn('scratch', 'inside');
    r = await k.run(['delete', 'ns', 'scratch']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(f.registry.tryGet(nsDef, undefined, 'scratch'), undefined);
    r = await k.run(['delete', 'ns', 'default']);
    assert.equal(
      r.stderr.trim(),
      'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted',
    );
  });

  test('read-only kubeconfig: reads work, writes are Forbidden', async (t) => {
    const k = kubectlFor(t, f.readOnlyKubeconfigPath);
    if (!k) return;
    seed('ro');
    assert.equal((await k.run(['get', 'ksvc', 'ro', '-o', 'name'])).stdout.trim(), `${SVC}/ro`);
    const r = await k.run(['delete', 'ksvc', 'ro']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim(),
      'Error from server (Forbidden): services.serving.knative.dev "ro" is forbidden: User "bgctl-viewer" cannot delete resource "services" in API group "serving.knative.dev" in the namespace "default"',
    );
  });
});
