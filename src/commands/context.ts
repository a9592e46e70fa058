// What every command receives: streams and terminal policy, the parsed global flags, a cancel
// signal, and lazy access to the cluster and the prompter (neither is built unless used).
import type { KnativeClient } from '../kube/client.js';
import type { IOStreams } from '../ui/iostreams.js';
import type { Prompter } from '../ui/prompter.js';
import type { OutputFormat } from '../ui/document.js';

/** The kubectl-style flags every verb accepts. */
export interface GlobalOptions {
  namespace?: string;
  context?: string;
  kubeconfig?: string;
  output: OutputFormat;
  verbose: boolean;
  /** --request-timeout in milliseconds; undefined means none. */
  requestTimeoutMs?: number;
  insecureSkipTlsVerify?: boolean;
}

export interface CommandContext {
  io: IOStreams;
  globals: GlobalOptions;
  /** Aborted on SIGINT/SIGTERM: long waits stop and the command exits 130. */
  signal: AbortSignal;
  /** The cluster client for the global flags, created (and client-node loaded) on first use. */
  kube(): Promise<KnativeClient>;
  prompter(): Prompter;
  now(): Date;
}

/** The module shape each verb's implementation file exports; loaded lazily by src/cli.ts. */
export interface CommandModule {
  run(ctx: CommandContext, service: string | undefined, opts: Record<string, any>): Promise<void>;
}
