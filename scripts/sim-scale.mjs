// Scale check for the playground's API server (not a timed test): 2,000 services and 20,000
// revisions in one namespace, created through the registry, then listed page by page over HTTPS
// with client-node; every object must come back exactly once. Prints how long each step took.
// Usage: node scripts/sim-scale.mjs [--services 2000] [--revisions 20000] [--limit 500]
import { register } from 'tsx/esm/api';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

async function main() {
  register();
  const { createRegistry } = await import('../src/sim/api/registry.ts');
  const { startApiServer } = await import('../src/sim/api/server.ts');
  const { renderKubeconfig } = await import('../src/sim/api/kubeconfig.ts');
  const k8s = await import('@kubernetes/client-node');
  const services = arg('services', 2000);
  const revisions = arg('revisions', 20000);
  const limit = arg('limit', 500);
  const ns = 'scale';
  const ctx = { user: 'scale', fieldManager: 'scale' };

  const registry = createRegistry();
  const nsDef = registry.resource('namespaces', '');
  const svcDef = registry.resource('services', 'serving.knative.dev');
  const revDef = registry.resource('revisions', 'serving.knative.dev');
  registry.create(nsDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, ctx);

  let t = performance.now();
  for (let i = 0; i < services; i++) {
    const name = `svc-${String(i).padStart(5, '0')}`;
    registry.create(
      svcDef,
      ns,
      {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name, labels: { app: name } },
        spec: {
          template: { spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v1' }] } },
          traffic: [{ latestRevision: true, percent: 100 }],
        },
      },
      ctx,
    );
  }
  const perSvc = Math.ceil(revisions / services);
  let made = 0;
  for (let i = 0; i < services && made < revisions; i++) {
    for (let g = 1; g <= perSvc && made < revisions; g++, made++) {
      const cfg = `svc-${String(i).padStart(5, '0')}`;
      registry.create(
        revDef,
        ns,
        {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Revision',
          metadata: {
            name: `${cfg}-${String(g).padStart(5, '0')}`,
            labels: {
              'serving.knative.dev/configuration': cfg,
              'serving.knative.dev/configurationGeneration': String(g),
            },
          },
          spec: { containers: [{ image: `ghcr.io/bgctl/hello:v${g}` }] },
        },
        ctx,
      );
    }
  }
  const createMs = performance.now() - t;

  const token = randomBytes(16).toString('hex');
  const server = await startApiServer({ registry, token });
  const dir = mkdtempSync(join(tmpdir(), 'bgctl-scale-'));
  const kcPath = join(dir, 'kubeconfig');
  writeFileSync(kcPath, renderKubeconfig({ server: server.url, caPem: server.caPem, token }));
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kcPath);
  const api = kc.makeApiClient(k8s.CustomObjectsApi);

  const listAll = async (plural, expected) => {
    const start = performance.now();
    const seen = new Set();
    let cont;
    let pages = 0;
    let rv;
    do {
      const page = await api.listNamespacedCustomObject({
        group: 'serving.knative.dev',
        version: 'v1',
        namespace: ns,
        plural,
        limit,
        _continue: cont,
      });
      pages++;
      rv ??= page.metadata.resourceVersion;
      assert.equal(page.metadata.resourceVersion, rv, 'every page comes from the same snapshot');
      for (const item of page.items) {
        assert.ok(!seen.has(item.metadata.name), `${item.metadata.name} returned twice`);
        seen.add(item.metadata.name);
      }
      cont = page.metadata.continue;
      if (cont) assert.equal(page.metadata.remainingItemCount, expected - seen.size);
    } while (cont);
    assert.equal(seen.size, expected, `${plural}: every object exactly once`);
    return { pages, ms: performance.now() - start };
  };

  try {
    const s = await listAll('services', services);
    const r = await listAll('revisions', made);
    console.log(
      `created ${services} services + ${made} revisions through the registry in ${(createMs / 1000).toFixed(2)} s`,
    );
    console.log(`listed services over HTTPS: ${s.pages} pages of ${limit} in ${(s.ms / 1000).toFixed(2)} s`);
    console.log(`listed revisions over HTTPS: ${r.pages} pages of ${limit} in ${(r.ms / 1000).toFixed(2)} s`);
    console.log('OK: every object returned exactly once');
  } finally {
    await server.stop();
    registry.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
