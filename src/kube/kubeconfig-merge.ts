// Pure kubeconfig handling: parse files, merge them as client-go's clientcmd/loader.go does (the first file wins;
// client-node throws on duplicates and lets later files win), pick the context.

import path from 'node:path';
import yaml from 'js-yaml';
import { ClusterAccessError, UsageError } from '../core/errors.js';
import { dns1123LabelProblems } from '../core/names.js';
import { quoteInput } from '../core/quote.js';

/** One named entry of clusters/users/contexts, as written in a kubeconfig. */
export interface NamedEntry<T> {
  name: string;
  value: T;
  source: string;
}

/** A cluster entry's fields, as written in a kubeconfig. */
export interface RawCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
  [key: string]: unknown;
}

/** A user entry's fields, as written in a kubeconfig. */
export interface RawUser {
  token?: string;
  'token-file'?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  username?: string;
  password?: string;
  as?: string;
  exec?: { command?: string; args?: string[]; env?: Array<{ name: string; value: string }>; [key: string]: unknown };
  'auth-provider'?: unknown;
  [key: string]: unknown;
}

/** A context entry's fields, as written in a kubeconfig. */
export interface RawContext {
  cluster?: string;
  user?: string;
  namespace?: string;
}

/** A merged kubeconfig: named entries keep the first definition seen. */
export interface MergedKubeconfig {
  clusters: Map<string, NamedEntry<RawCluster>>;
  users: Map<string, NamedEntry<RawUser>>;
  contexts: Map<string, NamedEntry<RawContext>>;
  currentContext?: string;
  sources: string[];
}

const KUBECONFIG_HINT =
  'point --kubeconfig or KUBECONFIG at a valid kubeconfig (or start a local cluster with `bgctl playground`)';

/** A parsed file, or a ClusterAccessError naming the file for empty or malformed content. */
export interface ParsedFile {
  source: string;
  empty: boolean;
  clusters: NamedEntry<RawCluster>[];
  users: NamedEntry<RawUser>[];
  contexts: NamedEntry<RawContext>[];
  currentContext?: string;
}

function entries<T>(
  doc: Record<string, unknown>,
  key: 'clusters' | 'users' | 'contexts',
  inner: string,
  source: string,
): NamedEntry<T>[] {
  const list = doc[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw malformed(source, `"${key}" must be a list`);
  return list.map((item, i) => {
    if (!item || typeof item !== 'object' || typeof (item as any).name !== 'string' || !(item as any).name) {
      throw malformed(source, `${key}[${i}] has no name`);
    }
    const value = (item as any)[inner];
    if (value !== undefined && value !== null && typeof value !== 'object')
      throw malformed(source, `${key}[${i}].${inner} must be a mapping`);
    return { name: (item as any).name as string, value: (value ?? {}) as T, source };
  });
}

function malformed(source: string, why: string): ClusterAccessError {
  return new ClusterAccessError(`kubeconfig ${source} is malformed: ${why}`, {
    reason: 'KubeconfigInvalid',
    hint: KUBECONFIG_HINT,
  });
}

/** Resolves a path relative to the kubeconfig that names it, as kubectl does. */
function resolveFrom(source: string, p: string | undefined): string | undefined {
  if (!p || path.isAbsolute(p)) return p;
  return path.resolve(path.dirname(source), p);
}

/** Parses one kubeconfig's text. Relative file references are resolved against `source`'s folder. */
export function parseKubeconfig(text: string, source: string): ParsedFile {
  let doc: unknown;
  try {
    doc = yaml.load(text, { filename: source });
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ClusterAccessError(`kubeconfig ${source} is not valid YAML: ${reason}`, {
      reason: 'KubeconfigInvalid',
      hint: KUBECONFIG_HINT,
    });
  }
  if (doc === undefined || doc === null || (typeof doc === 'string' && !doc.trim())) {
    return { source, empty: true, clusters: [], users: [], contexts: [] };
  }
  if (typeof doc !== 'object' || Array.isArray(doc)) throw malformed(source, 'the top level must be a mapping');
  const d = doc as Record<string, unknown>;
  const clusters = entries<RawCluster>(d, 'clusters', 'cluster', source).map((e) => ({
    ...e,
    value: { ...e.value, 'certificate-authority': resolveFrom(source, e.value['certificate-authority']) },
  }));
  const users = entries<RawUser>(d, 'users', 'user', source).map((e) => {
    const u: RawUser = { ...e.value };
    u['client-certificate'] = resolveFrom(source, u['client-certificate']);
    u['client-key'] = resolveFrom(source, u['client-key']);
    u['token-file'] = resolveFrom(source, u['token-file']);
    // A bare command name is looked up on PATH; one with a separator is relative to the file.
    if (u.exec?.command && u.exec.command.includes('/'))
      u.exec = { ...u.exec, command: resolveFrom(source, u.exec.command) };
    return { ...e, value: u };
  });
  const contexts = entries<RawContext>(d, 'contexts', 'context', source);
  const cc = d['current-context'];
  const empty = clusters.length === 0 && users.length === 0 && contexts.length === 0 && !cc;
  return { source, empty, clusters, users, contexts, currentContext: typeof cc === 'string' && cc ? cc : undefined };
}

/** Merges parsed files kubectl-style: the first file to define a name (or current-context) wins. */
export function mergeKubeconfigs(files: ParsedFile[]): MergedKubeconfig {
  const merged: MergedKubeconfig = {
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
    sources: files.map((f) => f.source),
  };
  for (const f of files) {
    for (const c of f.clusters) if (!merged.clusters.has(c.name)) merged.clusters.set(c.name, c);
    for (const u of f.users) if (!merged.users.has(u.name)) merged.users.set(u.name, u);
    for (const c of f.contexts) if (!merged.contexts.has(c.name)) merged.contexts.set(c.name, c);
    if (!merged.currentContext && f.currentContext) merged.currentContext = f.currentContext;
  }
  return merged;
}

/** The context, cluster and user that will be used, and the namespace. */
export interface Selection {
  contextName: string;
  context: RawContext;
  clusterName: string;
  cluster: RawCluster;
  userName?: string;
  user?: RawUser;
  namespace: string;
  namespaceFrom: 'flag' | 'context' | 'default';
}

function available(merged: MergedKubeconfig): string {
  const names = [...merged.contexts.keys()];
  return names.length ? `available contexts: ${names.join(', ')}` : 'the kubeconfig defines no contexts';
}

/** Picks the context (--context, else current-context), its cluster and user, and the namespace. */
export function selectContext(merged: MergedKubeconfig, opts: { context?: string; namespace?: string }): Selection {
  const files = merged.sources.join(', ');
  const contextName = opts.context || merged.currentContext;
  if (!contextName) {
    throw new ClusterAccessError(`no current context is set in the kubeconfig (${files})`, {
      reason: 'NoCurrentContext',
      hint: `pass --context <name> or run \`kubectl config use-context <name>\`; ${available(merged)}`,
    });
  }
  const ctx = merged.contexts.get(contextName);
  if (!ctx) {
    throw new ClusterAccessError(`context "${contextName}" is not in the kubeconfig (${files})`, {
      reason: 'UnknownContext',
      hint: available(merged),
    });
  }
  const clusterName = ctx.value.cluster;
  const cluster = clusterName ? merged.clusters.get(clusterName) : undefined;
  if (!clusterName || !cluster) {
    throw new ClusterAccessError(
      `context "${contextName}" refers to cluster "${clusterName ?? ''}", which is not in the kubeconfig (${files})`,
      {
        reason: 'KubeconfigInvalid',
        hint: KUBECONFIG_HINT,
      },
    );
  }
  if (!cluster.value.server) {
    throw new ClusterAccessError(`cluster "${clusterName}" in ${cluster.source} has no server`, {
      reason: 'KubeconfigInvalid',
      hint: KUBECONFIG_HINT,
    });
  }
  const userName = ctx.value.user || undefined;
  const user = userName ? merged.users.get(userName) : undefined;
  if (userName && !user) {
    throw new ClusterAccessError(
      `context "${contextName}" refers to user "${userName}", which is not in the kubeconfig (${files})`,
      {
        reason: 'KubeconfigInvalid',
        hint: KUBECONFIG_HINT,
      },
    );
  }
  const namespace = opts.namespace || ctx.value.namespace || 'default';
  // Checked here so that a typo gives kubectl's wording (exit 2), not "service not found" from the server.
  const problems = dns1123LabelProblems(namespace);
  if (problems.length && opts.namespace) {
    throw new UsageError(`invalid namespace ${quoteInput(namespace)}: ${problems.join(', ')}`, {
      reason: 'InvalidName',
      hint: 'namespaces are lowercase RFC 1123 labels, e.g. -n my-team',
    });
  }
  if (problems.length) {
    throw new ClusterAccessError(
      `context ${quoteInput(contextName)} has an invalid namespace ${quoteInput(namespace)}: ${problems.join(', ')}`,
      { reason: 'KubeconfigInvalid', hint: 'pass -n <namespace> or fix the context' },
    );
  }
  const namespaceFrom = opts.namespace ? 'flag' : ctx.value.namespace ? 'context' : 'default';
  return {
    contextName,
    context: ctx.value,
    clusterName,
    cluster: cluster.value,
    userName,
    user: user?.value,
    namespace,
    namespaceFrom,
  };
}
