// kubeconfig text for the playground: CA data and a bearer token, never insecure-skip-tls-verify.
import yaml from 'js-yaml';

/** The inputs of one kubeconfig. */
export interface KubeconfigInput {
  server: string;
  caPem: string;
  token: string;
  /** Cluster, context and user name. Default `bgctl-playground`. */
  name?: string;
  namespace?: string;
}

/** Renders a single-context kubeconfig as YAML. */
export function renderKubeconfig(k: KubeconfigInput): string {
  return renderMultiKubeconfig([k]);
}

/**
 * Renders one kubeconfig with a cluster, user and context per entry (each named after the entry);
 * the first entry's context is the current one.
 */
export function renderMultiKubeconfig(entries: KubeconfigInput[]): string {
  const named = entries.map((k) => ({ ...k, name: k.name ?? 'bgctl-playground' }));
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: named.map((k) => ({
      name: k.name,
      cluster: { server: k.server, 'certificate-authority-data': Buffer.from(k.caPem).toString('base64') },
    })),
    users: named.map((k) => ({ name: k.name, user: { token: k.token } })),
    contexts: named.map((k) => ({
      name: k.name,
      context: { cluster: k.name, user: k.name, namespace: k.namespace ?? 'default' },
    })),
    'current-context': named[0].name,
    preferences: {},
  };
  return yaml.dump(doc, { lineWidth: -1 });
}
