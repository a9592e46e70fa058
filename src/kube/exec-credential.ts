// Runs a kubeconfig exec credential plugin as client-go does (interactiveMode, KUBERNETES_EXEC_INFO, cached until
// expirationTimestamp), but bounded and killed on timeout, cancel and exit. client-node's runner waits forever,
// gives the plugin an open stdin and echoes its stdout in parse errors, so it is not used.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CancelError, ClusterAccessError } from '../core/errors.js';
import type { SecretSet } from '../core/redact.js';

export interface ExecConfig {
  command: string;
  args?: string[];
  env?: Array<{ name: string; value: string }> | null;
  apiVersion?: string;
  interactiveMode?: string;
  provideClusterInfo?: boolean;
  installHint?: string;
}

/** What the plugin returned (status of an ExecCredential). */
export interface ExecCredentialStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

/** The cluster as KUBERNETES_EXEC_INFO describes it when provideClusterInfo is set. */
export interface ExecClusterInfo {
  server: string;
  'certificate-authority-data'?: string;
  'certificate-authority'?: string;
  'tls-server-name'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'proxy-url'?: string;
  config?: unknown;
}

export interface ExecPluginOptions {
  exec: ExecConfig;
  context: string;
  secrets: SecretSet;
  /** --request-timeout in ms; 0 or undefined: DEFAULT_PLUGIN_TIMEOUT_MS unless the plugin gets a terminal. */
  requestTimeoutMs?: number;
  /** Aborting kills the plugin and rejects with CancelError. */
  signal?: AbortSignal;
  cluster?: ExecClusterInfo;
  stdinIsTerminal?: boolean;
  now?: () => number;
}

/** The bound of a plugin run without a terminal when --request-timeout is not given. */
export const DEFAULT_PLUGIN_TIMEOUT_MS = 120_000;

const API_VERSIONS = new Set(['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1']);
const MAX_OUTPUT = 1 << 20;
const HINT =
  'run the plugin by hand to see what it needs (login, PATH, environment); it must print an ExecCredential JSON';

// Plugins still running, killed if bgctl exits (a second Ctrl-C exits without unwinding); value: own process group.
const running = new Map<ChildProcess, boolean>();
let exitHook = false;
function track(child: ChildProcess, detached: boolean): void {
  running.set(child, detached);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const c of running.keys()) kill(c);
    });
  }
}

// A plugin without a terminal runs in its own process group, so its children are killed with it.
function kill(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (child.pid && running.get(child)) process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Math.round(ms / 100) / 10}s`;
}

/** A plugin's answer, checked like client-go checks it; never quotes what the plugin printed. */
function parseCredential(stdout: string, exec: ExecConfig, who: string, secrets: SecretSet): ExecCredentialStatus {
  let doc: any;
  try {
    doc = JSON.parse(stdout);
  } catch {
    // A plugin that prints a bare token: whatever it printed is a credential.
    secrets.add(stdout);
    throw new ClusterAccessError(
      `${who} did not print an ExecCredential JSON document on stdout ` +
        `(${Buffer.byteLength(stdout)} bytes of something else)`,
      {
        reason: 'CredentialPluginFailed',
        hint: HINT,
      },
    );
  }
  const status =
    doc && typeof doc === 'object' && doc.status && typeof doc.status === 'object' ? doc.status : undefined;
  // Registered before any check can fail, so no message can show them.
  if (typeof status?.token === 'string') secrets.add(status.token);
  if (typeof status?.clientKeyData === 'string') secrets.addKeyMaterial(status.clientKeyData);
  const fail = (what: string) =>
    new ClusterAccessError(`${who} ${what}`, { reason: 'CredentialPluginFailed', hint: HINT });
  if (!doc || typeof doc !== 'object' || doc.kind !== 'ExecCredential')
    throw fail('printed JSON that is not an ExecCredential');
  if (exec.apiVersion && doc.apiVersion !== exec.apiVersion) {
    const got =
      typeof doc.apiVersion === 'string' && /^[\w./-]{1,80}$/.test(doc.apiVersion) ? doc.apiVersion : 'another one';
    throw fail(`is configured to use API version ${exec.apiVersion}, plugin returned version ${got}`);
  }
  if (!status) throw fail("didn't return a status field");
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const out: ExecCredentialStatus = {
    token: str(status.token),
    clientCertificateData: str(status.clientCertificateData),
    clientKeyData: str(status.clientKeyData),
    expirationTimestamp: str(status.expirationTimestamp),
  };
  if (!out.token && !out.clientCertificateData && !out.clientKeyData)
    throw fail("didn't return a token or cert/key pair");
  if (!out.clientCertificateData !== !out.clientKeyData) throw fail('returned only certificate or key, not both');
  return out;
}

/** Whether the plugin gets bgctl's terminal as stdin, per interactiveMode (client-go's rules). */
function interactive(exec: ExecConfig, stdinIsTerminal: boolean, who: string): boolean {
  const mode =
    exec.interactiveMode ?? (exec.apiVersion === 'client.authentication.k8s.io/v1' ? undefined : 'IfAvailable');
  const fail = (what: string) =>
    new ClusterAccessError(`${who} ${what}`, {
      reason: 'KubeconfigInvalid',
      hint: 'fix the exec section of this user in your kubeconfig',
    });
  switch (mode) {
    case 'Never':
      return false;
    case 'IfAvailable':
      return stdinIsTerminal;
    case 'Always':
      if (!stdinIsTerminal) {
        throw new ClusterAccessError(
          `${who} needs a terminal (interactiveMode: Always), but standard input is not a terminal`,
          {
            reason: 'CredentialPluginNeedsTerminal',
            hint: 'run bgctl from a terminal, or log in first so that the plugin need not ask',
          },
        );
      }
      return true;
    case undefined:
      throw fail(`has no interactiveMode, which ${exec.apiVersion} requires (Never, IfAvailable or Always)`);
    default:
      throw fail(`has an unknown interactiveMode "${String(mode).slice(0, 40)}" (Never, IfAvailable or Always)`);
  }
}

function execInfo(exec: ExecConfig, isInteractive: boolean, cluster: ExecClusterInfo | undefined): string {
  const spec: Record<string, unknown> = { interactive: isInteractive };
  if (exec.provideClusterInfo && cluster) {
    const { 'certificate-authority': caFile, ...rest } = cluster;
    let caData = rest['certificate-authority-data'];
    if (!caData && caFile) {
      try {
        caData = readFileSync(caFile).toString('base64');
      } catch {
        // The request itself reports an unreadable CA.
      }
    }
    spec.cluster = Object.fromEntries(
      Object.entries({ ...rest, 'certificate-authority-data': caData }).filter(([, v]) => v !== undefined),
    );
  }
  return JSON.stringify({ apiVersion: exec.apiVersion, kind: 'ExecCredential', spec });
}

/** Runs the plugin once: resolves with its credential (registered as secrets), or rejects with a typed error. */
export function runExecPlugin(o: ExecPluginOptions): Promise<ExecCredentialStatus> {
  const { exec } = o;
  const who = `the credential plugin "${exec.command}" of context "${o.context}"`;
  if (exec.apiVersion && !API_VERSIONS.has(exec.apiVersion)) {
    return Promise.reject(
      new ClusterAccessError(`${who} has an unsupported apiVersion "${String(exec.apiVersion).slice(0, 80)}"`, {
        reason: 'KubeconfigInvalid',
        hint: 'use client.authentication.k8s.io/v1 (or v1beta1) in the exec section of this user',
      }),
    );
  }
  if (o.signal?.aborted) return Promise.reject(new CancelError('cancelled'));
  let isInteractive: boolean;
  try {
    isInteractive = interactive(exec, o.stdinIsTerminal ?? process.stdin.isTTY === true, who);
  } catch (err) {
    return Promise.reject(err);
  }
  const timeoutMs =
    o.requestTimeoutMs && o.requestTimeoutMs > 0
      ? o.requestTimeoutMs
      : isInteractive
        ? undefined
        : DEFAULT_PLUGIN_TIMEOUT_MS;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const e of exec.env ?? []) if (e && typeof e.name === 'string') env[e.name] = String(e.value ?? '');
  env.KUBERNETES_EXEC_INFO = execInfo(exec, isInteractive, o.cluster);

  return new Promise((resolve, reject) => {
    let settled = false;
    let stdout = '';
    let stderr = '';
    // Interactive plugins talk to the user on the terminal; others get no stdin and a captured stderr.
    const detached = !isInteractive && process.platform !== 'win32';
    const child = spawn(exec.command, exec.args ?? [], {
      env,
      detached,
      stdio: [isInteractive ? 'inherit' : 'ignore', 'pipe', isInteractive ? 'inherit' : 'pipe'],
    });
    track(child, detached);
    const finish = (err: Error | undefined, value?: ExecCredentialStatus) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      if (err) {
        kill(child);
        // Output pipes a grandchild may still hold must not keep bgctl alive.
        child.stdout?.destroy();
        child.stderr?.destroy();
        child.unref();
        reject(err);
      } else resolve(value!);
    };
    const onAbort = () => finish(new CancelError('cancelled'));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = timeoutMs
      ? setTimeout(
          () =>
            finish(
              new ClusterAccessError(`${who} did not finish within ${seconds(timeoutMs)}; bgctl stopped it`, {
                reason: 'CredentialPluginTimeout',
                hint: `${HINT}; --request-timeout sets how long it may take`,
              }),
            ),
          timeoutMs,
        )
      : undefined;
    child
      .stdout!.setEncoding('utf8')
      .on('data', (d: string) => (stdout.length < MAX_OUTPUT ? (stdout += d) : undefined));
    child.stderr
      ?.setEncoding('utf8')
      .on('data', (d: string) => (stderr.length < MAX_OUTPUT ? (stderr += d) : undefined));
    child.on('error', (err: NodeJS.ErrnoException) => {
      running.delete(child);
      const notFound = err.code === 'ENOENT';
      finish(
        new ClusterAccessError(
          `${who} ${notFound ? 'was not found' : 'could not be started'} (${err.code ?? 'error'})`,
          {
            reason: 'CredentialPluginFailed',
            hint: notFound && exec.installHint ? o.secrets.redact(exec.installHint.trim()) : HINT,
          },
        ),
      );
    });
    child.on('close', (code, signal) => {
      running.delete(child);
      if (settled) return;
      // A Ctrl-C from the terminal reaches the plugin too; that is a cancel, not a plugin failure.
      if (o.signal?.aborted) return finish(new CancelError('cancelled'));
      if (code !== 0) {
        let detail = '';
        try {
          // Whatever the plugin printed may hold what it would have returned.
          parseCredential(stdout, exec, who, o.secrets);
        } catch {
          // only the registration matters here
        }
        // Never quoted: it can hold secrets bgctl has never seen (a refresh token), which no redaction catches.
        if (stderr.trim())
          detail =
            ` (its error output, ${stderr.length >= MAX_OUTPUT ? 'over ' : ''}${stderr.length} bytes, ` +
            'is not shown: it may hold credentials)';
        const how = signal ? `was killed by ${signal}` : `failed with exit code ${code}`;
        return finish(
          new ClusterAccessError(`${who} ${how}${detail}`, { reason: 'CredentialPluginFailed', hint: HINT }),
        );
      }
      try {
        finish(undefined, parseCredential(stdout, exec, who, o.secrets));
      } catch (err) {
        finish(err as Error);
      }
    });
  });
}

/** One user's plugin credential: run on first use, cached until expirationTimestamp (or exit) or a 401. */
export class ExecCredentialProvider {
  private cached?: { status: ExecCredentialStatus; expiresAt?: number };
  private inFlight?: Promise<ExecCredentialStatus>;
  constructor(private readonly opts: ExecPluginOptions) {}

  get(): Promise<ExecCredentialStatus> {
    const now = (this.opts.now ?? Date.now)();
    if (this.cached && (this.cached.expiresAt === undefined || now < this.cached.expiresAt))
      return Promise.resolve(this.cached.status);
    this.inFlight ??= runExecPlugin(this.opts)
      .then((status) => {
        const exp = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : NaN;
        this.cached = { status, expiresAt: Number.isNaN(exp) ? undefined : exp };
        return status;
      })
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Drops the cached credential (the server said 401): the next request runs the plugin again. */
  invalidate(): void {
    this.cached = undefined;
  }

  /** A client-node authenticator for the user named `userName`, applying this credential to every request. */
  authenticator(userName: string) {
    return {
      isAuthProvider: (user: { name?: string } | null | undefined) => user?.name === userName,
      applyAuthentication: async (
        _user: unknown,
        opts: { headers?: Record<string, string>; cert?: unknown; key?: unknown },
      ) => {
        const c = await this.get();
        if (c.clientCertificateData && c.clientKeyData) {
          opts.cert = c.clientCertificateData;
          opts.key = c.clientKeyData;
        }
        if (c.token) (opts.headers ??= {}).Authorization = `Bearer ${c.token}`;
      },
    };
  }
}
