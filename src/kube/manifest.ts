// Knative Service manifests are parsed with js-yaml, never client-node's loadYaml: in 1.4 that maps
// serving.knative.dev/v1 Service onto the core V1Service model and drops spec.template (kube-api.md §5.4).

import yaml from 'js-yaml';
import { UsageError } from '../core/errors.js';
import { SERVING_API_VERSION, type KnativeService } from '../core/knative-types.js';

/** Parses every Knative Service in a (multi-document) YAML or JSON text; other kinds are a UsageError. */
export function parseServiceManifests(text: string, source = 'manifest'): KnativeService[] {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text, undefined, { filename: source });
  } catch (err) {
    throw new UsageError(`${source} is not valid YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  const out: KnativeService[] = [];
  docs.forEach((doc, i) => {
    if (doc === null || doc === undefined) return;
    const d = doc as Partial<KnativeService>;
    if (typeof doc !== 'object' || d.apiVersion !== SERVING_API_VERSION || d.kind !== 'Service') {
      throw new UsageError(`${source} document ${i + 1} is not a ${SERVING_API_VERSION} Service`);
    }
    if (!d.metadata?.name) throw new UsageError(`${source} document ${i + 1} has no metadata.name`);
    if (!d.spec?.template?.spec?.containers?.length) throw new UsageError(`${source} document ${i + 1} (${d.metadata.name}) has no spec.template.spec.containers`);
    out.push(d as KnativeService);
  });
  return out;
}
