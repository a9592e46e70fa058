// What a deploy changes compared with the serving revision. A deploy writes the whole template, so a setting
// that broke the last revision is carried over unless removed: the plan lists and marks those.
import type { Container, Revision, RevisionTemplate } from './knative-types.js';
import { revisionReady } from './traffic.js';

export interface TemplateDifference {
  /** `image`, `env NAME` or `annotation KEY` (prefixed by the container's name when there are several). */
  field: string;
  /** Absent: not set on the serving revision. */
  from?: string;
  /** Absent: removed by the new template. */
  to?: string;
  /** The failed revision whose template already had this value (the change did not come from the user's flags). */
  carriedFrom?: string;
}

/** Annotations Knative, its clients and bgctl put on revisions themselves: not part of what the user templates. */
const SYSTEM_PREFIXES = ['serving.knative.dev/', 'client.knative.dev/', 'bgctl.dev/', 'kubectl.kubernetes.io/'];

function userAnnotations(a: Record<string, string> | undefined): Map<string, string> {
  return new Map(Object.entries(a ?? {}).filter(([k]) => !SYSTEM_PREFIXES.some((p) => k.startsWith(p))));
}

function envOf(c: Container | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of c?.env ?? []) out.set(e.name, e.value ?? (e.valueFrom === undefined ? '' : '(from a reference)'));
  return out;
}

function diffMaps(label: string, from: Map<string, string>, to: Map<string, string>, out: TemplateDifference[]): void {
  const keys = [...new Set([...from.keys(), ...to.keys()])].sort();
  for (const k of keys) {
    const a = from.get(k);
    const b = to.get(k);
    if (a === b) continue;
    const change: TemplateDifference = { field: `${label} ${k}` };
    if (a !== undefined) change.from = a;
    if (b !== undefined) change.to = b;
    out.push(change);
  }
}

interface TemplateLike {
  containers: Container[];
  annotations?: Record<string, string>;
}

function likeRevision(r: Revision): TemplateLike {
  return { containers: r.spec.containers, annotations: r.metadata.annotations };
}

function compare(from: TemplateLike, to: TemplateLike): TemplateDifference[] {
  const out: TemplateDifference[] = [];
  const many = Math.max(from.containers.length, to.containers.length) > 1;
  for (let i = 0; i < Math.max(from.containers.length, to.containers.length); i++) {
    const a = from.containers[i];
    const b = to.containers[i];
    const prefix = many ? `${b?.name ?? a?.name ?? `container ${i}`} ` : '';
    if (a?.image !== b?.image) {
      const change: TemplateDifference = { field: `${prefix}image` };
      if (a?.image !== undefined) change.from = a.image;
      if (b?.image !== undefined) change.to = b.image;
      out.push(change);
    }
    diffMaps(`${prefix}env`, envOf(a), envOf(b), out);
  }
  diffMaps('annotation', userAnnotations(from.annotations), userAnnotations(to.annotations), out);
  return out;
}

/** Every difference from the serving revision; values a failed latest revision already had are marked carried. */
export function templateDifferences(
  serving: Revision | undefined,
  template: RevisionTemplate,
  latest?: Revision,
): TemplateDifference[] {
  if (!serving) return [];
  const to: TemplateLike = { containers: template.spec.containers, annotations: template.metadata?.annotations };
  const changes = compare(likeRevision(serving), to);
  if (latest && latest.metadata.name !== serving.metadata.name && revisionReady(latest).status === 'False') {
    const inFailed = compare(likeRevision(serving), likeRevision(latest));
    const failedHas = new Map(inFailed.map((c) => [c.field, c.to]));
    for (const c of changes) {
      if (failedHas.has(c.field) && failedHas.get(c.field) === c.to) c.carriedFrom = latest.metadata.name;
    }
  }
  return changes.map(bounded);
}

/** Values are cluster data of any size (an env var can hold megabytes): a plan shows the start of each. */
export const VALUE_LIMIT = 256;

function cut(v: string | undefined): string | undefined {
  if (v === undefined || v.length <= VALUE_LIMIT) return v;
  return `${v.slice(0, VALUE_LIMIT)}… (${v.length - VALUE_LIMIT} more characters)`;
}

function bounded(c: TemplateDifference): TemplateDifference {
  const out: TemplateDifference = { ...c, field: cut(c.field) as string };
  if (c.from !== undefined) out.from = cut(c.from);
  if (c.to !== undefined) out.to = cut(c.to);
  return out;
}

/** One line per change, e.g. `env MODE: blue -> (unset)`; carried-over values say where they came from. */
export function describeTemplateDifference(c: TemplateDifference): string {
  const line = `${c.field}: ${c.from ?? '(unset)'} -> ${c.to ?? '(unset)'}`;
  return c.carriedFrom ? `${line}   (kept from ${c.carriedFrom}, which failed)` : line;
}
