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
  description:
    'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
  properties: {
    name: { type: 'string', description: 'Name must be unique within a namespace.' },
    generateName: {
      type: 'string',
      description: 'GenerateName is an optional prefix, used by the server, to generate a unique name.',
    },
    namespace: { type: 'string', description: 'Namespace defines the space within which each name must be unique.' },
    uid: { type: 'string', description: 'UID is the unique in time and space value for this object.' },
    resourceVersion: {
      type: 'string',
      description: 'An opaque value that represents the internal version of this object.',
    },
    generation: {
      type: 'integer',
      format: 'int64',
      description: 'A sequence number representing a specific generation of the desired state.',
    },
    creationTimestamp: {
      type: 'string',
      format: 'date-time',
      description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
    },
    deletionTimestamp: {
      type: 'string',
      format: 'date-time',
      description: 'DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.',
    },
    labels: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'Map of string keys and values that can be used to organize and categorize objects.',
    },
    annotations: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'Annotations is an unstructured key value map stored with a resource.',
    },
    finalizers: {
      type: 'array',
      items: { type: 'string' },
      description: 'Must be empty before the object is deleted from the registry.',
    },
    ownerReferences: {
      type: 'array',
      items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      description: 'List of objects depended by this object.',
    },
    managedFields: {
      type: 'array',
      items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      description: 'ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.',
    },
  },
};

const namespaceSchema: Schema = {
  type: 'object',
  description: 'Namespace provides a scope for Names. Use of multiple namespaces is optional.',
  properties: {
    apiVersion: {
      type: 'string',
      description: 'APIVersion defines the versioned schema of this representation of an object.',
    },
    kind: {
      type: 'string',
      description: 'Kind is a string value representing the REST resource this object represents.',
    },
    metadata: { type: 'object', description: 'Standard object metadata.' },
    spec: {
      type: 'object',
      description: 'Spec defines the behavior of the Namespace.',
      properties: {
        finalizers: {
          type: 'array',
          items: { type: 'string' },
          description:
            'Finalizers is an opaque list of values that must be empty to permanently remove object from storage.',
        },
      },
    },
    status: {
      type: 'object',
      description: 'Status describes the current status of a Namespace.',
      properties: { phase: { type: 'string', description: 'Phase is the current lifecycle phase of the namespace.' } },
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
  s.properties.metadata = { ...ref(OBJECT_META), description: 'Standard object metadata.' };
  s['x-kubernetes-group-version-kind'] = [{ group: def.group, version: def.version, kind: def.kind }];
  return s;
}

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
    description: `${action} the specified ${def.kind}`,
    operationId: `${id}${def.kind}${sub ? 'Status' : ''}`,
    responses: { '200': { description: 'OK', content: json }, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
  const writeParams = [
    queryParam('dryRun', 'When present, indicates that modifications should not be persisted.'),
    queryParam(
      'fieldManager',
      'fieldManager is a name associated with the actor or entity that is making these changes.',
    ),
    queryParam(
      'fieldValidation',
      'fieldValidation instructs the server on how to handle objects in the request ' +
        'containing unknown or duplicate fields.',
    ),
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
        queryParam('labelSelector', 'A selector to restrict the list of returned objects by their labels.'),
        queryParam('watch', 'Watch for changes.', 'boolean'),
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
      parameters: [...writeParams, queryParam('force', 'Force is going to "force" Apply requests.', 'boolean')],
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
