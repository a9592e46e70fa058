// Loads the kubeconfig like kubectl (--kubeconfig, else KUBECONFIG, else ~/.kube/config) into a resolved in-memory
// config for client-node. Token files are read here; exec plugins are run by exec-credential.ts, never by
// client-node. Every credential is registered in `secrets`.

import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterAccessError } from '../core/errors.js';
import {
  mergeKubeconfigs,
  parseKubeconfig,
  selectContext,
  type ParsedFile,
  type Selection,
} from './kubeconfig-merge.js';
import type { ExecClusterInfo, ExecConfig } from './exec-credential.js';
import { SecretSet, displayUrl } from '../core/redact.js';
import { loadInCluster, looksInCluster } from './in-cluster.js';

/** Global flags (and test seams) that decide which kubeconfig, context and namespace are used. */
export interface KubeconfigOptions {
  /** --kubeconfig: one path; wins over KUBECONFIG. */
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  insecureSkipTlsVerify?: boolean;
  /** Defaults to process.env (KUBECONFIG is read from it). */
  env?: Record<string, string | undefined>;
  /** Defaults to the user's home directory. */
  homeDir?: string;
}

/** A loaded kubeconfig, ready for client-node. */
export interface LoadedKubeconfig {
  kubeConfig: KubeConfig;
  contextName: string;
  clusterName: string;
  userName?: string;
  /** The server URL as it may be printed (no user:password, no token query values). */
  server: string;
  namespace: string;
  namespaceFrom: Selection['namespaceFrom'] | 'POD_NAMESPACE' | 'service account';
  /** TLS verification is off (kubeconfig or flag asked for it). */
  insecure: boolean;
  /** The files that were read, in precedence order (none in-cluster). */
  sources: string[];
  /** Where the configuration came from, as --verbose prints it (kubeconfig files and context, or in-cluster). */
  source: string;
  /** Set when there was no kubeconfig and the pod's service account is used (src/kube/in-cluster.ts). */
  inCluster?: { tokenFile: string; caFile?: string };
  /** For the caller to print on stderr, without a "Warning:" prefix (e.g. TLS verification disabled). */
  warnings: string[];
  secrets: SecretSet;
  /** The exec credential plugin's command, when the user has one. */
  execCommand?: string;
  /** The user's exec stanza (bgctl runs the plugin, not client-node), and the user name client-node knows. */
  exec?: { config: ExecConfig; userName: string; cluster: ExecClusterInfo };
}

const HINT = 'pass --kubeconfig <path>, set KUBECONFIG, or start a local cluster with `bgctl playground`';

/** The kubeconfig files to read, in precedence order, and where the list came from. */
export function kubeconfigPaths(opts: KubeconfigOptions = {}): { paths: string[]; origin: 'flag' | 'env' | 'home' } {
  const env = opts.env ?? process.env;
  if (opts.kubeconfig) return { paths: [path.resolve(opts.kubeconfig)], origin: 'flag' };
  const list = (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
  if (list.length) return { paths: [...new Set(list.map((p) => path.resolve(p)))], origin: 'env' };
  return { paths: [path.join(opts.homeDir ?? env.HOME ?? os.homedir(), '.kube', 'config')], origin: 'home' };
}

function readFile(file: string, origin: 'flag' | 'env' | 'home'): ParsedFile | undefined {
  let text: string;
  try {
    if (statSync(file).isDirectory())
      throw new ClusterAccessError(`kubeconfig ${file} is a directory, not a file`, {
        reason: 'KubeconfigInvalid',
        hint: HINT,
      });
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof ClusterAccessError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    // kubectl skips missing files in a KUBECONFIG list; an explicit or default path must exist.
    if (code === 'ENOENT' && origin === 'env') return undefined;
    if (code === 'ENOENT') {
      const where = origin === 'flag' ? 'given by --kubeconfig' : 'the default location';
      throw new ClusterAccessError(`kubeconfig not found: ${file} (${where})`, {
        reason: 'KubeconfigNotFound',
        hint: HINT,
      });
    }
    throw new ClusterAccessError(`cannot read kubeconfig ${file}: ${code ?? String(err)}`, {
      reason: 'KubeconfigUnreadable',
      hint: HINT,
    });
  }
  return parseKubeconfig(text, file);
}

function readTokenFile(file: string, userName: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ClusterAccessError(`cannot read the token-file ${file} of user "${userName}" (${code})`, {
      reason: 'KubeconfigInvalid',
      hint: HINT,
    });
  }
}

/** Reads, merges and validates the kubeconfig; throws ClusterAccessError (exit 4) with a hint. */
export async function loadKubeconfig(opts: KubeconfigOptions = {}): Promise<LoadedKubeconfig> {
  const { paths, origin } = kubeconfigPaths(opts);
  const env = opts.env ?? process.env;
  // Like kubectl in a pod: with no kubeconfig anywhere, the service account's configuration.
  if (origin === 'home' && missing(paths[0]) && looksInCluster(env)) return loadInCluster({ ...opts, env }, paths[0]);
  const parsed = paths.map((p) => readFile(p, origin)).filter((f): f is ParsedFile => f !== undefined);
  if (parsed.length === 0) {
    throw new ClusterAccessError(`none of the kubeconfig files in KUBECONFIG exist: ${paths.join(path.delimiter)}`, {
      reason: 'KubeconfigNotFound',
      hint: HINT,
    });
  }
  if (parsed.every((f) => f.empty)) {
    throw new ClusterAccessError(`kubeconfig ${paths.join(path.delimiter)} is empty`, {
      reason: 'KubeconfigEmpty',
      hint: HINT,
    });
  }
  const merged = mergeKubeconfigs(parsed);
  const sel = selectContext(merged, opts);
  const warnings: string[] = [];
  const secrets = new SecretSet();

  const insecure = opts.insecureSkipTlsVerify === true || sel.cluster['insecure-skip-tls-verify'] === true;
  if (insecure) {
    const why = opts.insecureSkipTlsVerify
      ? '--insecure-skip-tls-verify'
      : `insecure-skip-tls-verify in the kubeconfig (cluster "${sel.clusterName}")`;
    warnings.push(
      `TLS certificate verification is disabled by ${why}; ` +
        `the connection to ${displayUrl(String(sel.cluster.server))} is not protected against interception.`,
    );
  }

  const u = sel.user ?? {};
  let token = typeof u.token === 'string' && u.token ? u.token : undefined;
  if (!token && u['token-file']) token = readTokenFile(u['token-file'], sel.userName ?? '');
  secrets.add(token);
  secrets.add(u.password);
  secrets.addKeyMaterial(u['client-key-data']);
  if (u['client-key']) secrets.addKeyMaterial(readQuietly(u['client-key']));
  secrets.addUrlCredentials(String(sel.cluster.server));
  secrets.addUrlCredentials(sel.cluster['proxy-url']);
  registerAuthProviderSecrets(u['auth-provider'], secrets);
  const exec = u.exec?.command ? (u.exec as ExecConfig) : undefined;
  const server = String(sel.cluster.server).replace(/\/$/, '');

  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  const userName = sel.userName ?? 'bgctl-anonymous';
  kc.loadFromOptions({
    clusters: [
      {
        name: sel.clusterName,
        server,
        // With verification off a CA is pointless; kubectl refuses the combination, we drop the CA.
        caData: insecure ? undefined : sel.cluster['certificate-authority-data'],
        caFile: insecure ? undefined : sel.cluster['certificate-authority'],
        skipTLSVerify: insecure,
        tlsServerName: sel.cluster['tls-server-name'],
        proxyUrl: sel.cluster['proxy-url'],
      },
    ],
    users: [
      {
        name: userName,
        token,
        certData: u['client-certificate-data'],
        certFile: u['client-certificate'],
        keyData: u['client-key-data'],
        keyFile: u['client-key'],
        username: u.username,
        password: u.password,
        impersonateUser: u.as,
        // Handing client-node the exec stanza would make it run the plugin its own way (see above).
        authProvider: exec ? undefined : u['auth-provider'],
      },
    ],
    contexts: [{ name: sel.contextName, cluster: sel.clusterName, user: userName, namespace: sel.namespace }],
    currentContext: sel.contextName,
  });

  return {
    kubeConfig: kc,
    contextName: sel.contextName,
    clusterName: sel.clusterName,
    userName: sel.userName,
    server: displayUrl(server),
    namespace: sel.namespace,
    namespaceFrom: sel.namespaceFrom,
    insecure,
    sources: merged.sources,
    source: `kubeconfig ${merged.sources.join(path.delimiter)} (context "${sel.contextName}")`,
    warnings,
    secrets,
    execCommand: exec?.command,
    exec: exec && {
      config: exec,
      userName,
      cluster: {
        server,
        'certificate-authority-data': sel.cluster['certificate-authority-data'],
        'certificate-authority': sel.cluster['certificate-authority'],
        'tls-server-name': sel.cluster['tls-server-name'],
        'insecure-skip-tls-verify': insecure || undefined,
        'proxy-url': sel.cluster['proxy-url'],
        config: (sel.cluster.extensions as Array<{ name?: string; extension?: unknown }> | undefined)?.find?.(
          (e) => e?.name === 'client.authentication.k8s.io/exec',
        )?.extension,
      },
    },
  };
}

function missing(file: string): boolean {
  try {
    statSync(file);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

function readQuietly(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** oidc, gcp and azure auth-provider configs hold tokens (refreshed ones are caught from the request headers). */
function registerAuthProviderSecrets(provider: unknown, secrets: SecretSet): void {
  const config = (provider as { config?: Record<string, unknown> } | undefined)?.config;
  if (!config || typeof config !== 'object') return;
  for (const [k, v] of Object.entries(config))
    if (typeof v === 'string' && /token|secret|password/i.test(k)) secrets.add(v);
}

/** Every context name of the kubeconfig, in file order (--all-contexts); throws like loadKubeconfig when none. */
export function kubeconfigContextNames(opts: KubeconfigOptions = {}): string[] {
  const { paths, origin } = kubeconfigPaths(opts);
  const parsed = paths.map((p) => readFile(p, origin)).filter((f): f is ParsedFile => f !== undefined);
  const names = [...mergeKubeconfigs(parsed).contexts.keys()];
  if (names.length === 0)
    throw new ClusterAccessError(`the kubeconfig (${paths.join(path.delimiter)}) defines no contexts`, {
      reason: 'KubeconfigEmpty',
      hint: HINT,
    });
  return names;
}
