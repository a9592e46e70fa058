// Shape checks of what a server returns as a Knative Service or Revision (a proxy could answer string percents):
// only the types of the fields bgctl reads. A problem is a field path, never a value from the server.

type Check = (value: unknown, path: string) => string | undefined;

/** A JSON object (not an array, not null). */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const str: Check = (v, path) => (typeof v === 'string' ? undefined : `${path}: expected a string`);
/** Go marshals a zero metav1.Time as null. */
const time: Check = (v, path) => (v === null || typeof v === 'string' ? undefined : `${path}: expected a timestamp`);
const bool: Check = (v, path) => (typeof v === 'boolean' ? undefined : `${path}: expected true or false`);
const count: Check = (v, path) =>
  Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : `${path}: expected a whole number`;
const percent: Check = (v, path) =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 100
    ? undefined
    : `${path}: expected a whole number from 0 to 100`;

const stringMap: Check = (v, path) => {
  if (!isObject(v)) return `${path}: expected a map`;
  return Object.values(v).every((x) => typeof x === 'string') ? undefined : `${path}: expected string values`;
};

/** An object whose listed fields, when present, pass their checks. */
function fields(shape: Record<string, Check>): Check {
  return (v, path) => {
    if (!isObject(v)) return `${path}: expected an object`;
    for (const [key, check] of Object.entries(shape)) {
      if (v[key] === undefined) continue;
      const problem = check(v[key], path ? `${path}.${key}` : key);
      if (problem) return problem;
    }
    return undefined;
  };
}

function listOf(item: Check): Check {
  return (v, path) => {
    if (!Array.isArray(v)) return `${path}: expected a list`;
    for (let i = 0; i < v.length; i++) {
      const problem = item(v[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

function required(keys: string[], check: Check): Check {
  return (v, path) => {
    const problem = check(v, path);
    if (problem || !isObject(v)) return problem;
    const missing = keys.find((k) => v[k] === undefined || v[k] === null);
    return missing ? `${path ? `${path}.` : ''}${missing}: missing` : undefined;
  };
}

const metadata = required(
  ['name'],
  fields({
    name: (v, path) => (typeof v === 'string' && v !== '' ? undefined : `${path}: expected a non-empty string`),
    namespace: str,
    uid: str,
    resourceVersion: str,
    generation: count,
    creationTimestamp: time,
    deletionTimestamp: time,
    labels: stringMap,
    annotations: stringMap,
  }),
);

const trafficTarget = fields({
  tag: str,
  revisionName: str,
  configurationName: str,
  latestRevision: bool,
  percent,
  url: str,
});

const conditions = listOf(
  required(
    ['type', 'status'],
    fields({ type: str, status: str, reason: str, message: str, severity: str, lastTransitionTime: time }),
  ),
);

const containers = listOf(
  fields({ name: str, image: str, env: listOf(required(['name'], fields({ name: str, value: str }))) }),
);

const podSpec = fields({ containers });

const service = required(
  ['metadata', 'spec'],
  fields({
    // Every write bgctl makes is conditional on the resourceVersion it planned from.
    metadata: required(['resourceVersion'], metadata),
    spec: fields({
      template: fields({ metadata: fields({ name: str, labels: stringMap, annotations: stringMap }), spec: podSpec }),
      traffic: listOf(trafficTarget),
    }),
    status: fields({
      observedGeneration: count,
      conditions,
      latestCreatedRevisionName: str,
      latestReadyRevisionName: str,
      url: str,
      address: fields({ url: str }),
      traffic: listOf(trafficTarget),
    }),
  }),
);

const revision = required(
  ['metadata'],
  fields({ metadata, spec: podSpec, status: fields({ observedGeneration: count, conditions }) }),
);

/** What makes `obj` unusable as a Knative Service ("spec.traffic: expected a list"), or undefined. */
export function serviceProblem(obj: unknown): string | undefined {
  return service(obj, '');
}

/** What makes `obj` unusable as a Knative Revision, or undefined. */
export function revisionProblem(obj: unknown): string | undefined {
  return revision(obj, '');
}
