// The in-cluster configuration, as client-go's rest.InClusterConfig and clientcmd's in-cluster client config
// build it: server https://KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT, the pod's service account token
// and CA, the namespace from POD_NAMESPACE or the service account's namespace file. Used only when there is
// no kubeconfig at all (no --kubeconfig, no KUBECONFIG, no ~/.kube/config).
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ClusterAccessError } from '../core/errors.js';
import { SecretSet } from '../core/redact.js';
import type { LoadedKubeconfig } from './kubeconfig.js';

/** Where the kubelet mounts the service account's token, CA and namespace. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** client-go's ErrNotInCluster, word for word. */
export const NOT_IN_CLUSTER =
  'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined';

type Env = Record<string, string | undefined>;

/** The service account directory: BGCTL_SERVICEACCOUNT_DIR (tests, pods that mount it elsewhere), else kubelet's. */
export function serviceAccountDir(env: Env): string {
  return env.BGCTL_SERVICEACCOUNT_DIR || SERVICE_ACCOUNT_DIR;
}

/** Anything that says "this is a pod": then a missing piece is an error that names it, not "no kubeconfig". */
export function looksInCluster(env: Env): boolean {
  return Boolean(env.KUBERNETES_SERVICE_HOST || env.KUBERNETES_SERVICE_PORT || env.BGCTL_SERVICEACCOUNT_DIR);
}

/** Go's net.JoinHostPort: an IPv6 literal gets brackets. */
export function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The in-cluster settings, read once; the token is read again on every request (tokenSource). */
export interface InClusterConfig {
  server: string;
  dir: string;
  tokenFile: string;
  /** The CA file, or undefined when it could not be loaded (then the system's CAs verify the server). */
  caFile?: string;
  namespace: string;
  namespaceFrom: 'flag' | 'POD_NAMESPACE' | 'service account' | 'default';
  warnings: string[];
}

const HINT_NOT_IN_POD =
  'outside a pod, pass --kubeconfig <path> or set KUBECONFIG; inside one, both variables are set by the kubelet';

/** Reads the pod's configuration; throws ClusterAccessError naming the missing piece. */
export function readInClusterConfig(env: Env, opts: { namespace?: string; noKubeconfig: string }): InClusterConfig {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT ?? '';
  if (!host || !port) {
    const missing = [!host && 'KUBERNETES_SERVICE_HOST', !port && 'KUBERNETES_SERVICE_PORT'].filter(Boolean);
    throw new ClusterAccessError(`${NOT_IN_CLUSTER} (${missing.join(' and ')} not set; ${opts.noKubeconfig})`, {
      reason: 'InClusterConfigMissing',
      hint: HINT_NOT_IN_POD,
    });
  }
  const dir = serviceAccountDir(env);
  const tokenFile = path.join(dir, 'token');
  readServiceAccountToken(tokenFile);
  const warnings: string[] = [];
  const caFile = path.join(dir, 'ca.crt');
  const caProblem = certificateProblem(caFile);
  // client-go logs the problem and goes on with the system's trusted CAs; so does bgctl, loudly.
  if (caProblem)
    warnings.push(
      `cannot load the cluster CA from ${caFile} (${caProblem}); the server is verified with the system's trusted CAs`,
    );
  const { namespace, namespaceFrom } = podNamespace(env, dir, opts.namespace);
  return {
    server: `https://${joinHostPort(host, port)}`,
    dir,
    tokenFile,
    caFile: caProblem ? undefined : caFile,
    namespace,
    namespaceFrom,
    warnings,
  };
}

/** clientcmd's order: the -n flag, POD_NAMESPACE (downward API), the service account's namespace file, "default". */
function podNamespace(
  env: Env,
  dir: string,
  flag: string | undefined,
): Pick<InClusterConfig, 'namespace' | 'namespaceFrom'> {
  if (flag) return { namespace: flag, namespaceFrom: 'flag' };
  if (env.POD_NAMESPACE) return { namespace: env.POD_NAMESPACE, namespaceFrom: 'POD_NAMESPACE' };
  try {
    const ns = readFileSync(path.join(dir, 'namespace'), 'utf8').trim();
    if (ns) return { namespace: ns, namespaceFrom: 'service account' };
  } catch {
    // clientcmd falls back to "default" when the file is missing; so does bgctl.
  }
  return { namespace: 'default', namespaceFrom: 'default' };
}

function certificateProblem(file: string): string | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    return text.includes('-----BEGIN CERTIFICATE-----') ? undefined : 'no PEM certificate in it';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'unreadable';
  }
}

/**
 * The service account token, read now: projected tokens are rotated by the kubelet, so it is read for every
 * request (client-go re-reads it after a minute; a small file read costs less than a refused request).
 */
export function readServiceAccountToken(file: string): string {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ClusterAccessError(
      `unable to load in-cluster configuration: cannot read the service account token ${file} (${code})`,
      {
        reason: 'InClusterTokenMissing',
        hint:
          code === 'ENOENT'
            ? 'the pod mounts no service account token (automountServiceAccountToken: false?): ' +
              'mount one, or pass --kubeconfig'
            : 'check the token mount of the pod, or pass --kubeconfig',
      },
    );
  }
  const token = text.trim();
  if (!token)
    throw new ClusterAccessError(
      `unable to load in-cluster configuration: the service account token ${file} is empty`,
      {
        reason: 'InClusterTokenMissing',
        hint: 'check the token mount of the pod, or pass --kubeconfig',
      },
    );
  return token;
}

/** A client-node authenticator for `userName` that sends the token file's current content on every request. */
export function tokenFileAuthenticator(file: string, userName: string, secrets: SecretSet) {
  return {
    isAuthProvider: (user: { name?: string } | null | undefined) => user?.name === userName,
    applyAuthentication: async (_user: unknown, opts: { headers?: Record<string, string> }) => {
      const token = readServiceAccountToken(file);
      secrets.add(token);
      (opts.headers ??= {}).Authorization = `Bearer ${token}`;
    },
  };
}

/** The in-cluster configuration as a LoadedKubeconfig for client-node (one cluster, one user, one context). */
export async function loadInCluster(
  opts: { context?: string; namespace?: string; insecureSkipTlsVerify?: boolean; env: Env },
  defaultKubeconfig: string,
): Promise<LoadedKubeconfig> {
  const noKubeconfig = `no kubeconfig at ${defaultKubeconfig} either`;
  const cfg = readInClusterConfig(opts.env, { namespace: opts.namespace, noKubeconfig });
  if (opts.context)
    throw new ClusterAccessError(
      `context "${opts.context}" does not exist: there is no kubeconfig (${defaultKubeconfig}), ` +
        'and the in-cluster configuration has no contexts',
      { reason: 'UnknownContext', hint: 'drop --context, or pass --kubeconfig <path> with that context' },
    );
  const warnings = [...cfg.warnings];
  const insecure = opts.insecureSkipTlsVerify === true;
  if (insecure)
    warnings.push(
      `TLS certificate verification is disabled by --insecure-skip-tls-verify; ` +
        `the connection to ${cfg.server} is not protected against interception.`,
    );
  const secrets = new SecretSet();
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: IN_CLUSTER, server: cfg.server, caFile: insecure ? undefined : cfg.caFile, skipTLSVerify: insecure },
    ],
    users: [{ name: IN_CLUSTER_USER }],
    contexts: [{ name: IN_CLUSTER, cluster: IN_CLUSTER, user: IN_CLUSTER_USER, namespace: cfg.namespace }],
    currentContext: IN_CLUSTER,
  });
  kc.addAuthenticator(tokenFileAuthenticator(cfg.tokenFile, IN_CLUSTER_USER, secrets) as never);
  return {
    kubeConfig: kc,
    contextName: IN_CLUSTER,
    clusterName: IN_CLUSTER,
    server: cfg.server,
    namespace: cfg.namespace,
    namespaceFrom: cfg.namespaceFrom,
    insecure,
    sources: [],
    source:
      `in-cluster configuration (service account ${cfg.dir}, server ${cfg.server}, ` +
      `namespace "${cfg.namespace}" from ${cfg.namespaceFrom === 'flag' ? '-n' : cfg.namespaceFrom})`,
    inCluster: { tokenFile: cfg.tokenFile, caFile: cfg.caFile },
    warnings,
    secrets,
  };
}

/** The names client-node knows the in-cluster cluster, context and user by (never printed as a context). */
const IN_CLUSTER = 'in-cluster';
const IN_CLUSTER_USER = 'bgctl-in-cluster';
