// Finds a fleet's targets: in each context (--context a,b / --all-contexts / the current one), the services that
// match SERVICE or the label selector (labelSelector on the list, so only matches travel). A context that cannot be
// reached (no such context, connection refused, 401/403) is reported for that context; exit 4 only when none was.
import { BgctlError, ClusterAccessError, UsageError } from '../../core/errors.js';
import { orderTargets, targetLabel, type FleetTarget } from '../../core/fleet.js';
import { printable } from '../../ui/sanitize.js';
import type { KnativeService } from '../../core/knative-types.js';
import type { KnativeClient, SharedConnection } from '../../kube/client.js';
import { openClient, type CommandContext } from '../context.js';
import type { FleetConnections } from './connections.js';
import type { FleetFlags } from './flags.js';
import { quoteInput } from '../../core/quote.js';

/** A target with the service as it was read when the fleet was resolved. */
export interface ResolvedTarget extends FleetTarget {
  readonly svc: KnativeService;
  /** The --context value that reached it (undefined: the kubeconfig's current context). */
  readonly contextFlag?: string;
  /** Its context's connection, shared by the targets of a rollout (absent for status, which only lists). */
  readonly connection?: SharedConnection;
}

/** A context that could not be listed, and why (message from a typed error: no credential in it). */
export interface UnreachableContext {
  context: string;
  reason: string;
  message: string;
  exitCode: number;
}

export interface FleetTargets {
  targets: ResolvedTarget[];
  unreachable: UnreachableContext[];
  /** Context names in the order given (the first is the first wave). */
  contexts: string[];
}

/** The contexts to visit: --all-contexts (kubeconfig order), --context a,b, one --context, or the current one. */
async function contextsOf(ctx: CommandContext, flags: FleetFlags | undefined): Promise<(string | undefined)[]> {
  const g = ctx.globals;
  if (flags?.allContexts) {
    const { kubeconfigContextNames } = await import('../../kube/kubeconfig.js');
    return kubeconfigContextNames({ kubeconfig: g.kubeconfig, env: ctx.io.env });
  }
  return g.contexts ?? [g.context];
}

async function listIn(
  client: KnativeClient,
  service: string | undefined,
  flags: FleetFlags | undefined,
): Promise<KnativeService[]> {
  const allNamespaces = flags?.allNamespaces ?? false;
  if (service !== undefined && !allNamespaces) {
    try {
      return [await client.getService(service)];
    } catch (err) {
      // A context without the service has no target; other contexts may have it.
      if (err instanceof BgctlError && err.reason === 'NotFound') return [];
      throw err;
    }
  }
  const found = await client.listServices({ allNamespaces, labelSelector: flags?.selector }).catch((err: unknown) => {
    // The API server parses the selector: its 400 is the user's typo, not a context that cannot be reached.
    if (flags?.selector !== undefined && err instanceof BgctlError && err.reason === 'BadRequest')
      throw new UsageError(`invalid --selector ${quoteInput(flags.selector)}: ${err.message}`, {
        reason: 'InvalidSelector',
        hint: 'e.g. app=shop, app!=shop, tier in (web,api), !canary',
      });
    throw err;
  });
  return service === undefined ? found : found.filter((s) => s.metadata.name === service);
}

/** Lists the targets of every context in parallel; per-context failures are collected, not thrown. */
export async function resolveTargets(
  ctx: CommandContext,
  service: string | undefined,
  flags: FleetFlags | undefined,
  connections?: FleetConnections,
): Promise<FleetTargets> {
  const contexts = await contextsOf(ctx, flags);
  const results = await Promise.all(
    contexts.map(async (contextFlag) => {
      const name = contextFlag ?? '(current)';
      try {
        const connection = await connections?.open(contextFlag);
        const client =
          connection?.client ??
          (await openClient(ctx.io, { ...ctx.globals, context: contextFlag, contexts: undefined }, ctx.signal));
        const services = await listIn(client, service, flags);
        const targets: ResolvedTarget[] = services.map((svc) => ({
          context: client.context,
          namespace: svc.metadata.namespace ?? client.namespace,
          service: svc.metadata.name,
          svc,
          contextFlag,
          ...(connection && { connection }),
        }));
        return { context: client.context, targets };
      } catch (err) {
        if (ctx.signal.aborted || !(err instanceof BgctlError) || err.exitCode === 2) throw err;
        const unreachable: UnreachableContext = {
          context: name,
          reason: err.reason,
          message: err.message,
          exitCode: err.exitCode,
        };
        return { context: name, targets: [] as ResolvedTarget[], unreachable };
      }
    }),
  );
  const unreachable = results.flatMap((r) => ('unreachable' in r && r.unreachable ? [r.unreachable] : []));
  if (unreachable.length === results.length) {
    const first = unreachable[0];
    throw new ClusterAccessError(
      `no context could be reached: ${unreachable.map((u) => `${u.context} (${u.message})`).join('; ')}`,
      {
        reason: 'NoContextReached',
        hint: first ? 'check the kubeconfig contexts and the clusters behind them' : undefined,
      },
    );
  }
  const order = results.map((r) => r.context);
  const targets = orderTargets(
    results.flatMap((r) => r.targets),
    order,
  ) as ResolvedTarget[];
  return { targets: onceEach(ctx, targets), unreachable, contexts: order };
}

/**
 * Two contexts can name one cluster (an alias, another user): a service found twice (same uid) is one target, taken
 * in its first context; two rollouts of one object would race each other.
 */
function onceEach(ctx: CommandContext, targets: ResolvedTarget[]): ResolvedTarget[] {
  const seen = new Map<string, ResolvedTarget>();
  return targets.filter((t) => {
    const uid = t.svc.metadata.uid;
    if (!uid) return true;
    const first = seen.get(uid);
    if (!first) {
      seen.set(uid, t);
      return true;
    }
    ctx.io.err.write(
      ctx.io
        .colors()
        .warn(printable(`Note: ${targetLabel(t)} is the same service as ${targetLabel(first)}: taken once`)) + '\n',
    );
    return false;
  });
}
