// Revision names (kmeta.ChildName) and route hosts (config-network templates, config-domain).
import { createHash } from 'node:crypto';

const LONGEST = 63;

/** `<cfg>-%05d`, or the MD5-shortened form when it would pass 63 characters. */
export function revisionName(configName: string, generation: number): string {
  const suffix = `-${String(generation).padStart(5, '0')}`;
  const head = LONGEST - suffix.length;
  if (configName.length <= head) return configName + suffix;
  const md5 = createHash('md5').update(configName).digest('hex');
  return configName.slice(0, head - md5.length) + md5 + suffix;
}

/** How the route reconciler turns names into hosts. */
export interface DomainConfig {
  /** config-domain; `svc.cluster.local` makes every route cluster-local. */
  domain: string;
  domainTemplate: string;
  tagTemplate: string;
}

/** Upstream defaults of config-domain (when empty) and config-network's templates. */
export const CLUSTER_LOCAL_DOMAIN = 'svc.cluster.local';
export const DEFAULT_DOMAIN_TEMPLATE = '{{.Name}}.{{.Namespace}}.{{.Domain}}';
export const DEFAULT_TAG_TEMPLATE = '{{.Tag}}-{{.Name}}';

function render(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, k: string) => values[k] ?? '');
}

/** The host a route name (or tag host name) gets; cluster-local routes ignore custom templates. */
export function hostFor(cfg: DomainConfig, name: string, namespace: string, clusterLocal: boolean): string {
  if (clusterLocal || cfg.domain === CLUSTER_LOCAL_DOMAIN) {
    return render(DEFAULT_DOMAIN_TEMPLATE, { Name: name, Namespace: namespace, Domain: CLUSTER_LOCAL_DOMAIN });
  }
  return render(cfg.domainTemplate, { Name: name, Namespace: namespace, Domain: cfg.domain });
}

/** The host name part of a tag: `{{.Tag}}-{{.Name}}`. */
export function tagName(cfg: DomainConfig, routeName: string, tag: string): string {
  return render(cfg.tagTemplate, { Tag: tag, Name: routeName });
}

/** Knative's domain check, as the ErrorConfig message (undefined when the host is fine). */
export function domainError(host: string): string | undefined {
  // Only the per-label length rule can fail for names that passed admission.
  const long = host.split('.').find((l) => l.length > LONGEST);
  if (!long) return undefined;
  return (
    `domain name error: invalid domain name ${JSON.stringify(host)}: ` +
    `url: Invalid value: ${JSON.stringify(long)}: must be no more than 63 characters`
  );
}
