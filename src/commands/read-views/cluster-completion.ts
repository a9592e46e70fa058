// Completion values from the cluster (service names, a service's tags), asked for at TAB time by the scripts of
// read-completion.ts with BGCTL_COMPLETE set. A TAB must never hang or print an error into the command line: the
// lookup is bounded (2s, one attempt) and any failure prints nothing, exit 0.
import { dns1035Problems } from '../../core/names.js';
import type { CommandContext } from '../context.js';

/** The environment variable that turns `bgctl completion SHELL` into a lookup. */
export const COMPLETE_ENV = 'BGCTL_COMPLETE';

/** How long a TAB may wait for the cluster, all requests (and a credential plugin) included. */
export const COMPLETION_TIMEOUT_MS = 2000;

/** Prints one value per line for `what` ("services" or "tags:SERVICE"); prints nothing on any failure. */
export async function printClusterCompletions(ctx: CommandContext, what: string): Promise<void> {
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(COMPLETION_TIMEOUT_MS)]);
  const lookup = lookupValues(ctx, what, signal).catch(() => []);
  const timeout = new Promise<string[]>((resolve) =>
    signal.addEventListener('abort', () => resolve([]), { once: true }),
  );
  const values = await Promise.race([lookup, timeout]);
  // Only valid names: a value is typed into the user's shell, so nothing else may come through.
  const safe = [...new Set(values)].filter((v) => dns1035Problems(v).length === 0).sort();
  if (safe.length) ctx.io.out.write(safe.join('\n') + '\n');
}

async function lookupValues(ctx: CommandContext, what: string, signal: AbortSignal): Promise<string[]> {
  const { connect } = await import('../../kube/connect.js');
  // Kubeconfig warnings and traces would land in the middle of the user's command line: none.
  const client = await connect(
    ctx.globals,
    { env: ctx.io.env, signal, warn: () => {} },
    { requestTimeoutMs: COMPLETION_TIMEOUT_MS, retry: { maxAttempts: 1 } },
  );
  if (what === 'services') return (await client.listServices({ pageSize: 500 })).map((s) => s.metadata.name);
  const service = /^tags:(.+)$/.exec(what)?.[1];
  if (service === undefined || dns1035Problems(service).length) return [];
  const svc = await client.getServiceSnapshot(service);
  const traffic = [...(svc.service?.spec.traffic ?? []), ...(svc.service?.status?.traffic ?? [])];
  return traffic.flatMap((t) => (t.tag ? [t.tag] : []));
}
