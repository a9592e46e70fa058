// Controller throughput check for the playground (not a timed test): creates N Knative Services at
// once in every cluster of one process (template annotation `sim.bgctl.dev/ready-after: '0s'`) and
// prints how long it takes until all of them are Ready, for one cluster and for several.
// Usage: node scripts/sim-burst.mjs [--services 100] [--clusters 1,3]
import { register } from 'tsx/esm/api';
import { performance } from 'node:perf_hooks';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}

const isReady = (o) =>
  o.status?.observedGeneration === o.metadata.generation &&
  (o.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** Creates `services` Services in each cluster of a new `startPlaygrounds(count)`; the seconds until all are Ready. */
async function burst(startPlaygrounds, count, services) {
  const pgs = await startPlaygrounds(count);
  const ctx = { user: 'burst', fieldManager: 'burst' };
  try {
    const pending = new Set();
    let done;
    const allReady = new Promise((resolve) => (done = resolve));
    const stops = pgs.clusters.map((c, ci) => {
      const def = c.registry.resource('services', 'serving.knative.dev');
      const rv = String(c.registry.currentResourceVersion());
      return c.registry.watch(def, 'default', { resourceVersion: rv }, (ev) => {
        if (ev.type !== 'ERROR' && ev.type !== 'BOOKMARK' && isReady(ev.object)) {
          pending.delete(`${ci}/${ev.object.metadata.name}`);
          if (pending.size === 0) done();
        }
      });
    });
    const start = performance.now();
    for (const [ci, c] of pgs.clusters.entries()) {
      const def = c.registry.resource('services', 'serving.knative.dev');
      for (let i = 0; i < services; i++) {
        const name = `burst-${String(i).padStart(4, '0')}`;
        pending.add(`${ci}/${name}`);
        c.registry.create(
          def,
          'default',
          {
            apiVersion: 'serving.knative.dev/v1',
            kind: 'Service',
            metadata: { name },
            spec: {
              template: {
                metadata: { annotations: { 'sim.bgctl.dev/ready-after': '0s' } },
                spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v1' }] },
              },
            },
          },
          ctx,
        );
      }
    }
    await allReady;
    const secs = (performance.now() - start) / 1000;
    for (const stop of stops) stop();
    return secs;
  } finally {
    await pgs.stop();
  }
}

async function main() {
  register();
  const { startPlaygrounds } = await import('../src/sim/playground.ts');
  const services = Number(arg('services', '100'));
  const clusterCounts = arg('clusters', '1,3').split(',').map(Number);
  const alone = await burst(startPlaygrounds, 1, 1);
  console.log(`1 service on 1 cluster: Ready in ${alone.toFixed(2)} s`);
  for (const count of clusterCounts) {
    const secs = await burst(startPlaygrounds, count, services);
    console.log(`${services} services on each of ${count} cluster(s): all Ready in ${secs.toFixed(2)} s`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
