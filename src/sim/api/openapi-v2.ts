// `/openapi/v2`: the whole API as one Swagger 2.0 document, derived from the per-group OpenAPI v3
// documents so both always agree. kubectl 1.27 and 1.28 need it for client-side apply, diff and
// explain; they ask for the protobuf form only (see openapi-v2-proto.ts), other clients for JSON.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceDef } from './contracts.js';
import { apiVersionOf } from './resources.js';
import { openApiGroupVersion } from './openapi.js';
import { encodeOpenApiV2, OPENAPI_V2_PROTO, OPENAPI_V2_PROTO_ACCEPT } from './openapi-v2-proto.js';

type Json = Record<string, any>;

const V3_REF = '#/components/schemas/';

/** A v3 schema node as v2: `$ref`s point into definitions and a lone `allOf: [$ref]` becomes `$ref`. */
export function schemaToV2(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(schemaToV2);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === '$ref' && typeof v === 'string')
      out.$ref = v.startsWith(V3_REF) ? `#/definitions/${v.slice(V3_REF.length)}` : v;
    else if (k === 'allOf' && Array.isArray(v) && v.length === 1 && v[0].$ref)
      out.$ref = (schemaToV2(v[0]) as Json).$ref;
    else out[k] = schemaToV2(v);
  }
  return out;
}

function parameterToV2(p: Json): Json {
  const { schema, ...rest } = p;
  return { ...rest, ...(schema as Json) };
}

function operationToV2(op: Json): Json {
  const { requestBody, responses, parameters, ...rest } = op;
  const out: Json = { ...rest, schemes: ['https'] };
  const params: Json[] = (parameters ?? []).map(parameterToV2);
  if (requestBody) {
    const content = requestBody.content as Json;
    out.consumes = Object.keys(content);
    const first = content[out.consumes[0]];
    params.unshift({ name: 'body', in: 'body', required: true, schema: schemaToV2(first.schema) });
  } else out.consumes = ['*/*'];
  out.produces = ['application/json', 'application/yaml'];
  if (params.length) out.parameters = params;
  out.responses = Object.fromEntries(
    Object.entries(responses as Json).map(([code, r]) => {
      const schema = r.content && (Object.values(r.content as Json)[0] as Json).schema;
      return [code, { description: r.description, ...(schema ? { schema: schemaToV2(schema) } : {}) }];
    }),
  );
  return out;
}

function pathItemToV2(item: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(item))
    out[k] = k === 'parameters' ? (v as Json[]).map(parameterToV2) : operationToV2(v as Json);
  return out;
}

/** The Swagger 2.0 document of every served group-version. */
export function openApiV2(defs: ResourceDef[]): Json {
  const definitions: Json = {};
  const paths: Json = {};
  const gvs = new Map<string, ResourceDef>();
  for (const d of defs) gvs.set(apiVersionOf(d), d);
  for (const d of gvs.values()) {
    const doc = openApiGroupVersion(defs, d.group, d.version)!;
    for (const [name, s] of Object.entries(doc.components as Json).flatMap(([, m]) => Object.entries(m as Json)))
      definitions[name] = schemaToV2(s);
    for (const [p, item] of Object.entries(doc.paths as Json)) paths[p] = pathItemToV2(item as Json);
  }
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.4-bgctl' }, paths, definitions };
}

/** A strong ETag for a response body, the way the apiserver tags its OpenAPI documents. */
export function etagOf(body: string | Buffer): string {
  return `"${createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase()}"`;
}

interface Rendered {
  json: Buffer;
  proto: Buffer;
  jsonTag: string;
  protoTag: string;
}

// Built on the first request, not at start-up; the served resources never change afterwards.
const rendered = new WeakMap<ResourceDef[], Rendered>();

function render(defs: ResourceDef[]): Rendered {
  let r = rendered.get(defs);
  if (!r) {
    const doc = openApiV2(defs);
    const json = Buffer.from(JSON.stringify(doc));
    const proto = encodeOpenApiV2(doc);
    r = { json, proto, jsonTag: etagOf(json), protoTag: etagOf(proto) };
    rendered.set(defs, r);
  }
  return r;
}

const JSON_RANGES = ['application/json', 'application/*', '*/*'];

/**
 * GET /openapi/v2: protobuf when the Accept header names it (either spelling), JSON for JSON or
 * a wildcard or no Accept at all, 406 otherwise; ETag and 304 as the apiserver does.
 */
export function serveOpenApiV2(
  req: IncomingMessage,
  res: ServerResponse,
  defs: ResourceDef[],
  log: (code: number) => void,
): void {
  const accept = (req.headers.accept ?? '')
    .split(',')
    .map((a) => a.split(';')[0].trim())
    .filter(Boolean);
  const proto = accept.some((a) => a === OPENAPI_V2_PROTO || a === OPENAPI_V2_PROTO_ACCEPT);
  if (!proto && accept.length && !accept.some((a) => JSON_RANGES.includes(a))) {
    log(406);
    res.writeHead(406, { 'Content-Type': 'text/plain; charset=utf-8' });
    return void res.end(`406 Not Acceptable: no acceptable format in ${JSON.stringify(req.headers.accept)}\n`);
  }
  const r = render(defs);
  const body = proto ? r.proto : r.json;
  const etag = proto ? r.protoTag : r.jsonTag;
  const headers = {
    'Content-Type': proto ? OPENAPI_V2_PROTO : 'application/json',
    ETag: etag,
    Vary: 'Accept',
    'Cache-Control': 'no-cache, private',
  };
  if (req.headers['if-none-match'] === etag) {
    log(304);
    res.writeHead(304, headers);
    return void res.end();
  }
  log(200);
  res.writeHead(200, headers);
  res.end(body);
}
