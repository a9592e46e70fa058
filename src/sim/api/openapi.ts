// OpenAPI v3 documents: enough for kubectl's server-side field validation check (`apply`,
// `create -f`), `apply --server-side`, and `explain` of every field of the Knative schemas.
import { createHash } from 'node:crypto';
import type { ResourceDef } from './contracts.js';
import { apiVersionOf } from './resources.js';
import { publishedSchema } from './published-schema.js';
import type { Schema } from './schema.js';
import { CR_PATCH_TYPES } from './status.js';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
const NS_PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

const objectMetaSchema: Schema = {
  type: 'object',
  description: 'The metadata every stored object carries: its identity, labels, annotations and bookkeeping.',
  properties: {
    name: { type: 'string', description: "The object's name, unique among objects of its kind in its namespace." },
    generateName: {
      type: 'string',
      description: 'A prefix from which the server makes up a unique name when none is given.',
    },
    namespace: { type: 'string', description: 'The namespace the object lives in.' },
    uid: { type: 'string', description: 'An identifier the server assigns once and never reuses.' },
    resourceVersion: {
      type: 'string',
      description:
        'The version of the stored object, for optimistic concurrency and watches; compare for equality only.',
    },
    generation: {
      type: 'integer',
      format: 'int64',
      description: 'Counts changes to the desired state (the spec); set by the server.',
    },
    creationTimestamp: {
      type: 'string',
      format: 'date-time',
      description: 'When the server stored the object first.',
    },
    deletionTimestamp: {
      type: 'string',
      format: 'date-time',
      description: 'Set when deletion was requested; the object goes once its finalizers are gone.',
    },
    labels: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'Key/value pairs for selecting and grouping objects.',
    },
    annotations: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'Key/value pairs for tools and people; not used for selection.',
    },
    finalizers: {
      type: 'array',
      items: { type: 'string' },
      'x-kubernetes-list-type': 'set',
      description: 'Names of the parties that must let go before the object is removed; a set.',
    },
    ownerReferences: {
      type: 'array',
      items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
      description: 'The objects this one belongs to; garbage collection follows them. Keyed by uid.',
    },
    managedFields: {
      type: 'array',
      items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      description: 'Which manager set which fields, for server-side apply.',
    },
  },
};

const namespaceSchema: Schema = {
  type: 'object',
  description: 'A scope for names, and for access rules.',
  properties: {
    apiVersion: {
      type: 'string',
      description: 'The API group and version of this object.',
    },
    kind: {
      type: 'string',
      description: 'The type of this object.',
    },
    metadata: { type: 'object', description: "The object's metadata." },
    spec: {
      type: 'object',
      description: 'What the namespace should be.',
      properties: {
        finalizers: {
          type: 'array',
          items: { type: 'string' },
          description: 'Values that must be removed before the namespace itself goes.',
        },
      },
    },
    status: {
      type: 'object',
      description: 'What the namespace is now.',
      properties: { phase: { type: 'string', description: 'Active, or Terminating while it is being deleted.' } },
    },
  },
};

function schemaName(def: ResourceDef): string {
  return def.group ? `dev.knative.serving.${def.version}.${def.kind}` : `io.k8s.api.core.v1.${def.kind}`;
}

function ref(name: string): Record<string, unknown> {
  return { allOf: [{ $ref: `#/components/schemas/${name}` }] };
}

/** A schema node as JSON, with metadata pointing at ObjectMeta. */
function rootSchema(def: ResourceDef): Record<string, unknown> {
  // A kind without a published Knative schema (Flagger's Canary) is served as an open object, like a CRD without one.
  const open = { type: 'object', properties: {}, 'x-kubernetes-preserve-unknown-fields': true };
  const s = structuredClone(def.group ? (publishedSchema(def.kind) ?? open) : namespaceSchema) as Record<string, any>;
  s.properties.metadata = { ...ref(OBJECT_META), description: "The object's metadata." };
  s['x-kubernetes-group-version-kind'] = [{ group: def.group, version: def.version, kind: def.kind }];
  return s;
}

/** How an operation's description reads, by its x-kubernetes-action. */
const ACTION_TEXT: Record<string, string> = {
  get: 'Reads one',
  list: 'Lists (or watches) the objects of kind',
  post: 'Creates a',
  put: 'Replaces one',
  patch: 'Changes part of one',
  delete: 'Deletes one',
};

const queryParam = (name: string, description: string, type = 'string'): Record<string, unknown> => ({
  name,
  in: 'query',
  description,
  schema: { type, uniqueItems: true },
});

function operations(def: ResourceDef, named: boolean, sub?: 'status'): Record<string, unknown> {
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  const json = { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName(def)}` } } };
  const base = (action: string, id: string): Record<string, unknown> => ({
    description: `${ACTION_TEXT[action] ?? action} ${def.kind}${sub ? ' (its status)' : ''}`,
    operationId: `${id}${def.kind}${sub ? 'Status' : ''}`,
    responses: { '200': { description: 'OK', content: json }, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
  const writeParams = [
    queryParam('dryRun', 'All: the request is checked and answered as usual, but nothing is stored.'),
    queryParam('fieldManager', 'Who makes the change, as recorded in managedFields.'),
    queryParam('fieldValidation', 'What an unknown or duplicate field in the body gets: Ignore, Warn or Strict.'),
  ];
  if (!named) {
    const list = {
      ...base('list', 'list'),
      responses: {
        '200': {
          description: 'OK',
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName(def)}List` } } },
        },
      },
      parameters: [
        queryParam('labelSelector', 'Only objects whose labels match, e.g. app=shop,tier!=db.'),
        queryParam('watch', 'Stream the changes as events instead of returning the list.', 'boolean'),
      ],
    };
    return { get: list, post: { ...base('post', 'create'), parameters: writeParams, requestBody: { content: json } } };
  }
  const patchTypes = def.group ? CR_PATCH_TYPES : NS_PATCH_TYPES;
  const patchContent = Object.fromEntries(patchTypes.map((t) => [t, { schema: { type: 'object' } }]));
  const ops: Record<string, unknown> = {
    get: base('get', 'read'),
    put: { ...base('put', 'replace'), parameters: writeParams, requestBody: { content: json } },
    patch: {
      ...base('patch', 'patch'),
      parameters: [
        ...writeParams,
        queryParam('force', 'Server-side apply takes over fields other managers own instead of refusing.', 'boolean'),
      ],
      requestBody: { content: patchContent },
    },
  };
  if (!sub) ops.delete = base('delete', 'delete');
  return ops;
}

function pathsFor(def: ResourceDef): Record<string, unknown> {
  const prefix = def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`;
  const collection = def.namespaced ? `${prefix}/namespaces/{namespace}/${def.plural}` : `${prefix}/${def.plural}`;
  const params = [
    ...(def.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string' } }] : []),
  ];
  const nameParam = { name: 'name', in: 'path', required: true, schema: { type: 'string' } };
  const out: Record<string, unknown> = {
    [collection]: { ...operations(def, false), parameters: params },
    [`${collection}/{name}`]: { ...operations(def, true), parameters: [...params, nameParam] },
  };
  if (def.hasStatus)
    out[`${collection}/{name}/status`] = { ...operations(def, true, 'status'), parameters: [...params, nameParam] };
  if (def.namespaced) out[`${prefix}/${def.plural}`] = { get: (operations(def, false) as Record<string, unknown>).get };
  return out;
}

/** The OpenAPI v3 document of one group-version, or undefined when not served. */
export function openApiGroupVersion(
  defs: ResourceDef[],
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const mine = defs.filter((d) => d.group === group && d.version === version);
  if (!mine.length) return undefined;
  const schemas: Record<string, unknown> = {
    [OBJECT_META]: objectMetaSchema,
    [LIST_META]: {
      type: 'object',
      properties: {
        continue: { type: 'string' },
        remainingItemCount: { type: 'integer' },
        resourceVersion: { type: 'string' },
      },
    },
  };
  let paths: Record<string, unknown> = {};
  for (const d of mine) {
    schemas[schemaName(d)] = rootSchema(d);
    schemas[`${schemaName(d)}List`] = {
      type: 'object',
      required: ['items'],
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        items: { type: 'array', items: { $ref: `#/components/schemas/${schemaName(d)}` } },
        metadata: ref(LIST_META),
      },
      'x-kubernetes-group-version-kind': [{ group: d.group, version: d.version, kind: d.listKind }],
    };
    paths = { ...paths, ...pathsFor(d) };
  }
  return {
    openapi: '3.0.0',
    info: { title: group ? `${group}/${version}` : 'Kubernetes', version: version },
    paths,
    components: { schemas },
  };
}

/** `/openapi/v3`: the GV index, keys without a leading slash, each with a content hash. */
export function openApiIndex(defs: ResourceDef[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const gvs = new Map<string, ResourceDef>();
  for (const d of defs) gvs.set(apiVersionOf(d), d);
  for (const d of gvs.values()) {
    const key = d.group ? `apis/${d.group}/${d.version}` : `api/${d.version}`;
    const doc = JSON.stringify(openApiGroupVersion(defs, d.group, d.version));
    const hash = createHash('sha512').update(doc).digest('hex').slice(0, 128).toUpperCase();
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { paths };
}
