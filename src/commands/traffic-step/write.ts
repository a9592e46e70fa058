// The step's commit point: the conditional write of the Service (traffic and rollout record in one patch). A 409
// re-reads and re-plans with the first plan's premise attached, so a changed premise refuses instead of overwriting.
import type { KnativeService, Revision } from '../../core/knative-types.js';
import { plan as planIntent, withExpectation } from '../../core/plan.js';
import type { Plan } from '../../core/plan-types.js';
import { buildRevisionPatch, buildServicePatch } from '../../core/patch.js';
import type { KnativeClient } from '../../kube/client.js';
import { printable } from '../../ui/sanitize.js';
import type { CommandContext } from '../context.js';
import type { PreparedStep } from './engine.js';

/** What the write left: the plan finally written, what it was planned on, and the server's answer. */
export interface WrittenStep {
  plan: Plan;
  planned: KnativeService;
  revisions: Revision[];
  update: { service: KnativeService; attempts: number; noop: boolean };
  replans: Array<{ plan: Plan; attempt: number }>;
}

/** Writes the plan conditionally; on a conflict reads again and re-plans (returned in `replans`). */
export async function writeStep(ctx: CommandContext, step: PreparedStep): Promise<WrittenStep> {
  const { client, req } = step;
  const { updateWithRetry } = await import('../../kube/update.js');
  let current = step.plan;
  let revisions = step.read.revisions;
  let planned = step.read.service;
  const replans: WrittenStep['replans'] = [];
  let rounds = 0;
  // The first round writes on what was read (or given): resourceVersion turns a stale object into a 409. Later
  // rounds re-read the service and, when it changed, its revisions too, so the plan function stays synchronous.
  const getFresh = async (name: string): Promise<KnativeService> => {
    const fresh = await client.getService(name);
    if (fresh.metadata.resourceVersion !== planned.metadata.resourceVersion)
      revisions = await client.listRevisions(name);
    return fresh;
  };
  const update = await updateWithRetry(
    withGetService(client, getFresh),
    req.service,
    (fresh) => {
      rounds++;
      if (fresh.metadata.resourceVersion !== planned.metadata.resourceVersion) {
        current = planIntent({
          service: fresh,
          revisions,
          intent: withExpectation(req.intent, current),
          ctx: step.planCtx,
        });
        planned = fresh;
        replans.push({ plan: current, attempt: rounds });
      }
      if (current.noop) return 'noop';
      // updateWithRetry adds its own resourceVersion guard; keep exactly one.
      return { ops: buildServicePatch(fresh, current).filter((op) => op.path !== '/metadata/resourceVersion') };
    },
    { retry: { signal: ctx.signal }, initial: step.read.service },
  ).finally(() => printServerWarnings(ctx, client));
  return { plan: current, planned, revisions, update, replans };
}

/** The same client with getService replaced (explicit delegation, so every other call is the client's own). */
function withGetService(c: KnativeClient, getService: KnativeClient['getService']): KnativeClient {
  return {
    get namespace() {
      return c.namespace;
    },
    get context() {
      return c.context;
    },
    get server() {
      return c.server;
    },
    get source() {
      return c.source;
    },
    get warnings() {
      return c.warnings;
    },
    getService,
    getServiceSnapshot: (name) => c.getServiceSnapshot(name),
    listServices: (opts) => c.listServices(opts),
    revisionPages: (service, opts) => c.revisionPages(service, opts),
    listRevisions: (service) => c.listRevisions(service),
    getRevision: (name) => c.getRevision(name),
    listFlaggerCanaries: () => c.listFlaggerCanaries(),
    createService: (svc, opts) => c.createService(svc, opts),
    patchService: (name, ops, opts) => c.patchService(name, ops, opts),
    mergePatchRevision: (name, patch, opts) => c.mergePatchRevision(name, patch, opts),
    deleteRevision: (name, opts) => c.deleteRevision(name, opts),
    watchService: (name, rv, onEvent, onDone) => c.watchService(name, rv, onEvent, onDone),
    takeServerWarnings: () => c.takeServerWarnings(),
  };
}

/**
 * The server's admission warnings (Knative >= 1.9 warns about securityContext defaults on every write), on stderr
 * in kubectl's words, also for a refused write; each text once per command, not per step.
 */
export function printServerWarnings(ctx: CommandContext, client: KnativeClient): void {
  for (const w of client.takeServerWarnings()) ctx.io.err.write(`Warning: ${printable(w)}\n`);
}

/** Sends the service patch (and revision side changes) with dryRun=All; returns what the server would store. */
export async function serverDryRun(
  client: KnativeClient,
  name: string,
  svc: KnativeService,
  p: Plan,
): Promise<KnativeService> {
  const ops = buildServicePatch(svc, p);
  const result = ops.length ? await client.patchService(name, ops, { dryRun: 'All' }) : svc;
  for (const change of p.revisionAnnotations)
    await client.mergePatchRevision(change.revision, buildRevisionPatch(change), { dryRun: 'All' });
  for (const rev of p.deleteRevisions) await client.deleteRevision(rev, { dryRun: 'All' });
  return result;
}
