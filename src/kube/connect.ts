// The one way commands get a KnativeClient, from the global flags; every kubeconfig warning goes to the caller's
// `warn`, so none can be forgotten. createKnativeClient is the lower-level builder the kube tests drive.
import type { CreateClientOptions, KnativeClient } from './client.js';

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

/** Loads the kubeconfig for the flags and builds the client; warnings go to sink.warn before it returns. */
export async function connect(
  flags: ClusterFlags,
  sink: ClientSink,
  tuning: ClientTuning = {},
): Promise<KnativeClient> {
  const { createKnativeClient } = await import('./client.js');
  const client = await createKnativeClient({
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    namespace: flags.namespace,
    insecureSkipTlsVerify: flags.insecureSkipTlsVerify,
    requestTimeoutMs: flags.requestTimeoutMs,
    env: sink.env,
    signal: sink.signal,
    verbose: sink.trace,
    ...tuning,
  });
  for (const w of client.warnings) sink.warn(w);
  return client;
}
