// Legacy discovery documents and /version.
import type { ResourceDef } from './contracts.js';

const CR_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];
const NS_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS_VERBS = ['get', 'patch', 'update'];

/** The `version.Info` of a 1.32 server (one minor away from kubectl 1.32/1.33 at most). */
export function versionInfo(): Record<string, string> {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.4-bgctl',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-04-22T00:00:00Z',
    goVersion: 'go1.23.6',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** `/api`. */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** The groups other than core, each with its single version. */
function groups(defs: ResourceDef[]): Array<{ name: string; version: string }> {
  const seen = new Map<string, string>();
  for (const d of defs) if (d.group) seen.set(d.group, d.version);
  return [...seen].map(([name, version]) => ({ name, version }));
}

function groupDoc(g: { name: string; version: string }): Record<string, unknown> {
  const gv = { groupVersion: `${g.name}/${g.version}`, version: g.version };
  return { name: g.name, versions: [gv], preferredVersion: gv };
}

/** `/apis`. */
export function apiGroupList(defs: ResourceDef[]): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups(defs).map(groupDoc) };
}

/** `/apis/<group>`, or undefined when the group is not served. */
export function apiGroup(defs: ResourceDef[], group: string): Record<string, unknown> | undefined {
  const g = groups(defs).find((x) => x.name === group);
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g) };
}

/** `/api/v1` or `/apis/<group>/<version>`, or undefined when not served. */
export function apiResourceList(
  defs: ResourceDef[],
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const mine = defs.filter((d) => d.group === group && d.version === version);
  if (!mine.length) return undefined;
  const resources: Array<Record<string, unknown>> = [];
  for (const d of mine) {
    const core = d.group === '';
    const main: Record<string, unknown> = {
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: core ? NS_VERBS : CR_VERBS,
    };
    if (d.shortNames.length) main.shortNames = d.shortNames;
    if (d.categories.length) main.categories = d.categories;
    if (core) main.storageVersionHash = 'Q3oi5N2YM8M=';
    resources.push(main);
    if (core)
      resources.push({
        name: `${d.plural}/finalize`,
        singularName: '',
        namespaced: false,
        kind: d.kind,
        verbs: ['update'],
      });
    if (d.hasStatus)
      resources.push({
        name: `${d.plural}/status`,
        singularName: '',
        namespaced: d.namespaced,
        kind: d.kind,
        verbs: STATUS_VERBS,
      });
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}
