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
  const name = k.name ?? 'bgctl-playground';
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name, cluster: { server: k.server, 'certificate-authority-data': Buffer.from(k.caPem).toString('base64') } },
    ],
    users: [{ name, user: { token: k.token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: k.namespace ?? 'default' } }],
    'current-context': name,
    preferences: {},
  };
  return yaml.dump(doc, { lineWidth: -1 });
}
