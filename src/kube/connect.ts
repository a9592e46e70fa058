// The one way commands get a KnativeClient, from the global flags; every kubeconfig warning goes to the caller's
// `warn`, so none can be forgotten. createKnativeClient is the lower-level builder the kube tests drive.
import type { CreateClientOptions, KnativeClient, SharedConnection } from './client.js';

/** The global flags that choose and reach a cluster. */
export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  insecureSkipTlsVerify?: boolean;
  /** --request-timeout in ms; undefined: none. */
  requestTimeoutMs?: number;
}

/** Where a client's side output goes, and what it runs under. */
export interface ClientSink {
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Receives each kubeconfig warning (e.g. TLS verification disabled), without a "Warning:" prefix. */
  warn(text: string): void;
  /** --verbose: receives the redacted HTTP trace. */
  trace?: (line: string) => void;
}

/** Per-call adjustments (a short-lived client that reads once after a cancel). */
export type ClientTuning = Pick<CreateClientOptions, 'requestTimeoutMs' | 'retry'>;

function clientOptions(flags: ClusterFlags, sink: ClientSink): CreateClientOptions {
  return {
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    namespace: flags.namespace,
    insecureSkipTlsVerify: flags.insecureSkipTlsVerify,
    requestTimeoutMs: flags.requestTimeoutMs,
    env: sink.env,
    signal: sink.signal,
    verbose: sink.trace,
  };
}

/** As connect, for the many clients of one context (a fleet): see SharedConnection. */
export async function connectShared(flags: ClusterFlags, sink: ClientSink): Promise<SharedConnection> {
  const { createSharedConnection } = await import('./client.js');
  const conn = await createSharedConnection(clientOptions(flags, sink));
  for (const w of conn.client.warnings) sink.warn(w);
  return conn;
}

/** Loads the kubeconfig for the flags and builds the client; warnings go to sink.warn before it returns. */
export async function connect(
  flags: ClusterFlags,
  sink: ClientSink,
  tuning: ClientTuning = {},
): Promise<KnativeClient> {
  const { createKnativeClient } = await import('./client.js');
  const client = await createKnativeClient({ ...clientOptions(flags, sink), ...tuning });
  for (const w of client.warnings) sink.warn(w);
  return client;
}
