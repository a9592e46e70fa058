// Setup for the read-verb tests: put services into known shapes on a playground by writing through
// its registry (as another client would), with the real planner deciding the traffic and state.
import type { KObject } from '../../src/sim/api/contracts.js';
import type { KnativeService, Revision } from '../../src/core/knative-types.js';
import type { Intent } from '../../src/core/plan-types.js';
import { plan } from '../../src/core/plan.js';
import { buildRevisionPatch, buildServicePatch } from '../../src/core/patch.js';
import { statusMatches } from '../../src/core/status-match.js';
import type { Playground } from '../helpers/playground.js';

const ctx = { user: 'tester', fieldManager: 'read-tests' };

function defs(pg: Playground) {
  return {
    svc: pg.registry.resource('services', 'serving.knative.dev')!,
    rev: pg.registry.resource('revisions', 'serving.knative.dev')!,
  };
}

/** The service as stored. */
export function getService(pg: Playground, name: string, ns = 'default'): KnativeService {
  return pg.registry.get(defs(pg).svc, ns, name) as unknown as KnativeService;
}

/** The service's revisions as stored. */
export function getRevisions(pg: Playground, name: string, ns = 'default'): Revision[] {
  return pg.registry.list(defs(pg).rev, ns, { labelSelector: `serving.knative.dev/service=${name}` })
    .items as unknown as Revision[];
}

/** Resolves when `pred` holds for the stored object (checked on every change), or rejects after timeoutMs. */
export function waitFor(
  pg: Playground,
  kind: 'services' | 'revisions',
  name: string,
  pred: (o: any) => boolean,
  ns = 'default',
  timeoutMs = 20_000,
): Promise<KObject> {
  const def = kind === 'services' ? defs(pg).svc : defs(pg).rev;
  return new Promise((resolve, reject) => {
    let stop = () => {};
    const check = () => {
      const o = pg.registry.tryGet(def, ns, name);
      if (o && pred(o)) {
        clearTimeout(timer);
        stop();
        resolve(o);
        return true;
      }
      return false;
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${kind} ${ns}/${name} did not reach the expected state in ${timeoutMs} ms`));
    }, timeoutMs);
    stop = pg.registry.onChange(() => void check());
    check();
  });
}

const isReady = (o: any) =>
  o.status?.observedGeneration === o.metadata.generation &&
  o.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');

/** Creates a service (template annotations are simulator knobs) and waits until it is Ready. */
export async function createService(
  pg: Playground,
  name: string,
  opts: { image?: string; annotations?: Record<string, string>; traffic?: unknown[]; ns?: string; wait?: boolean } = {},
): Promise<KnativeService> {
  const ns = opts.ns ?? 'default';
  const nsDef = pg.registry.resource('namespaces', '')!;
  if (!pg.registry.tryGet(nsDef, undefined, ns))
    pg.registry.create(nsDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, ctx);
  pg.registry.create(
    defs(pg).svc,
    ns,
    {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name, namespace: ns },
      spec: {
        template: {
          ...(opts.annotations ? { metadata: { annotations: opts.annotations } } : {}),
          spec: { containers: [{ image: opts.image ?? 'ghcr.io/bgctl/hello:v1' }] },
        },
        ...(opts.traffic ? { traffic: opts.traffic } : {}),
      },
    },
    ctx,
  );
  if (opts.wait === false) return getService(pg, name, ns);
  return (await waitFor(pg, 'services', name, isReady, ns)) as unknown as KnativeService;
}

/** Plans `intent` with the real planner, writes it like bgctl would, and waits until it is routed. */
export async function applyIntent(
  pg: Playground,
  name: string,
  intent: Intent,
  now = new Date().toISOString(),
): Promise<KnativeService> {
  const svc = getService(pg, name);
  const p = plan({ service: svc, revisions: getRevisions(pg, name), intent, ctx: { now, actor: 'alice' } });
  const ops = buildServicePatch(svc, p);
  if (ops.length) pg.registry.patch(defs(pg).svc, 'default', name, 'json', ops, ctx);
  for (const change of p.revisionAnnotations)
    pg.registry.patch(defs(pg).rev, 'default', change.revision, 'merge', buildRevisionPatch(change), ctx);
  const done = (o: any) =>
    isReady(o) &&
    statusMatches(o, p.desired) &&
    (!p.template || o.status?.latestReadyRevisionName === o.status?.latestCreatedRevisionName);
  return (await waitFor(pg, 'services', name, done)) as unknown as KnativeService;
}

/** A service mid-rollout: pinned, v2 deployed, staged under `candidate` (phase staged). */
export async function stagedService(
  pg: Playground,
  name: string,
  opts: { now?: string; tag?: string } = {},
): Promise<KnativeService> {
  await createService(pg, name);
  await applyIntent(pg, name, { kind: 'pin' }, opts.now);
  await applyIntent(pg, name, { kind: 'deploy', image: 'ghcr.io/bgctl/hello:v2' }, opts.now);
  await waitFor(pg, 'revisions', `${name}-00002`, isReady);
  return applyIntent(pg, name, { kind: 'stage', ...(opts.tag ? { tag: opts.tag } : {}) }, opts.now);
}
