// Equality and diffs over JSON values, standing in for apimachinery's equality.Semantic.DeepEqual
// and knative's kmp.ShortDiff (a go-cmp reporter). Both work on Go structs; here the objects are
// JSON, so "absent", null, [] and {} count as the same empty value (as omitempty makes them on the wire).

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Drops empty members recursively; an empty result becomes undefined. Array positions are kept. */
export function normalizeEmpty(v: Json): Json {
  if (Array.isArray(v)) {
    const items = v.map(normalizeEmpty);
    return items.length === 0 ? undefined : items;
  }
  if (isObject(v)) {
    const out: Record<string, Json> = {};
    for (const [k, val] of Object.entries(v)) {
      const n = normalizeEmpty(val);
      if (n !== undefined) out[k] = n;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v === null ? undefined : v;
}

function equalNormalized(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equalNormalized(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && equalNormalized(a[k], b[k]));
  }
  return false;
}

/** Semantic deep equality: empty and missing containers are equal, key order is irrelevant. */
export function semanticEqual(a: Json, b: Json): boolean {
  return equalNormalized(normalizeEmpty(a), normalizeEmpty(b));
}

/** Where a diff starts: the Go type go-cmp prints at the root and how JSON keys map to Go fields. */
export type DiffRoot = 'RevisionTemplateSpec' | 'RevisionSpec';

// JSON objects that are Go maps: their keys print as ["key"] rather than as .Field.
const MAP_FIELDS = new Set(['labels', 'annotations', 'nodeSelector', 'limits', 'requests']);
// Fields of Knative's RevisionSpec itself; every other key lives in the inlined corev1.PodSpec.
const REVISION_SPEC_OWN = new Set([
  'containerConcurrency',
  'timeoutSeconds',
  'responseStartTimeoutSeconds',
  'idleTimeoutSeconds',
]);
const GO_NAMES: Record<string, string> = {
  tcpSocket: 'TCPSocket',
  httpGet: 'HTTPGet',
  grpc: 'GRPC',
  uid: 'UID',
  hostIP: 'HostIP',
};

// Go pointer fields (*int64, *bool, *string) of RevisionSpec, PodSpec, SecurityContext and GRPCAction.
const leafOf = (owner: string, fields: string[]): string => `${owner}\\.(${fields.join('|')})$`;
const POINTER_LEAF = new RegExp(
  [
    leafOf(String.raw`(\{v1\.RevisionSpec\}|\.Spec)`, [
      'ContainerConcurrency',
      'TimeoutSeconds',
      'ResponseStartTimeoutSeconds',
      'IdleTimeoutSeconds',
    ]),
    leafOf('PodSpec', [
      'EnableServiceLinks',
      'AutomountServiceAccountToken',
      'ShareProcessNamespace',
      'RuntimeClassName',
    ]),
    leafOf('SecurityContext', [
      'RunAsUser',
      'RunAsGroup',
      'RunAsNonRoot',
      'Privileged',
      'AllowPrivilegeEscalation',
      'ReadOnlyRootFilesystem',
    ]),
    String.raw`\.GRPC\.Service$`,
  ].join('|'),
);

const goName = (key: string): string => GO_NAMES[key] ?? key.charAt(0).toUpperCase() + key.slice(1);

function childPath(path: string, key: string, level: 'template' | 'revisionSpec' | 'map' | 'other'): string {
  if (level === 'map') return `${path}[${JSON.stringify(key)}]`;
  if (level === 'template') return `${path}.${key === 'metadata' ? 'ObjectMeta' : goName(key)}`;
  if (level === 'revisionSpec')
    return REVISION_SPEC_OWN.has(key) ? `${path}.${goName(key)}` : `${path}.PodSpec.${goName(key)}`;
  return `${path}.${goName(key)}`;
}

// Go's %+v where the Go type is guessable: maps print as map[k:v] (nil as map[]), a missing string as
// "" and anything else missing as <nil>; other structs and slices fall back to JSON.
function formatValue(v: Json, other: Json, isMap: boolean): string {
  if (isMap) {
    const entries = isObject(v)
      ? Object.keys(v)
          .sort()
          .map((k) => `${k}:${formatValue(v[k], undefined, false)}`)
      : [];
    return `map[${entries.join(' ')}]`;
  }
  if (v === undefined) return typeof other === 'string' ? '' : '<nil>';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * An approximation of kmp.ShortDiff: one block per differing leaf, `<go path>:\n\t-: "<old>"\n\t+: "<new>"\n`,
 * blocks joined by a newline; "" when equal. Differences from Go: structs and slices print as JSON, Go
 * field names are guessed from JSON keys, and a missing list element or map key is shown as ""/<nil>
 * (go-cmp would fail with "Unable to diff" there, giving a "Failed to diff" error instead).
 */
export function shortDiff(oldValue: Json, newValue: Json, root: DiffRoot): string {
  const blocks: string[] = [];
  const walk = (a: Json, b: Json, path: string, level: 'template' | 'revisionSpec' | 'map' | 'other'): void => {
    if (equalNormalized(a, b)) return;
    if (isObject(a) && isObject(b)) {
      const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
      for (const k of keys) {
        const next = childPath(path, k, level);
        const nextLevel =
          MAP_FIELDS.has(k) && level !== 'map'
            ? 'map'
            : level === 'template' && k === 'spec'
              ? 'revisionSpec'
              : 'other';
        walk(a[k], b[k], next, nextLevel);
      }
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`, 'other');
      return;
    }
    const isMap =
      level === 'map' && !Array.isArray(a ?? b) && (a === undefined || isObject(a)) && (b === undefined || isObject(b));
    // go-cmp's %#v path starts with `*` when the differing leaf sits behind a pointer (both non-nil).
    const star = a !== undefined && b !== undefined && POINTER_LEAF.test(path) ? '*' : '';
    blocks.push(`${star}${path}:\n\t-: "${formatValue(a, b, isMap)}"\n\t+: "${formatValue(b, a, isMap)}"\n`);
  };
  const rootPath = root === 'RevisionTemplateSpec' ? '{*v1.RevisionTemplateSpec}' : '{v1.RevisionSpec}';
  walk(
    normalizeEmpty(oldValue),
    normalizeEmpty(newValue),
    rootPath,
    root === 'RevisionTemplateSpec' ? 'template' : 'revisionSpec',
  );
  return blocks.join('\n');
}
