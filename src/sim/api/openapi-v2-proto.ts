// The Swagger 2.0 document as protobuf, which kubectl 1.27/1.28 request first and only (a JSON body fails their
// decoding). Message layout: gnostic's openapi.v2 package; vendor extensions travel as YAML text (JSON is YAML).
type Json = Record<string, any>;

/** What kubectl sends in Accept (not a valid media type: '@' is no token character). */
export const OPENAPI_V2_PROTO_ACCEPT = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/** The spelling the apiserver also accepts and always answers with in Content-Type. */
export const OPENAPI_V2_PROTO = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

function varint(n: number): Buffer {
  const bytes: number[] = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    bytes.push(b);
  } while (v > 0n);
  return Buffer.from(bytes);
}

const key = (no: number, wire: number): Buffer => varint((no << 3) | wire);
const bytesField = (no: number, b: Buffer): Buffer => Buffer.concat([key(no, 2), varint(b.length), b]);
const str = (no: number, s: unknown): Buffer =>
  typeof s === 'string' && s !== '' ? bytesField(no, Buffer.from(s, 'utf8')) : Buffer.alloc(0);
const strs = (no: number, list: unknown): Buffer =>
  Buffer.concat(Array.isArray(list) ? list.map((s) => bytesField(no, Buffer.from(String(s), 'utf8'))) : []);
const bool = (no: number, b: unknown): Buffer =>
  b === true ? Buffer.concat([key(no, 0), varint(1)]) : Buffer.alloc(0);
const int = (no: number, n: unknown): Buffer =>
  typeof n === 'number' && n > 0 ? Buffer.concat([key(no, 0), varint(n)]) : Buffer.alloc(0);
const msg = (no: number, b: Buffer | undefined): Buffer => (b ? bytesField(no, b) : Buffer.alloc(0));
function double(no: number, n: unknown): Buffer {
  if (typeof n !== 'number') return Buffer.alloc(0);
  const b = Buffer.alloc(8);
  b.writeDoubleLE(n);
  return Buffer.concat([key(no, 1), b]);
}

/** Any{yaml}: a value as YAML text. */
const anyValue = (v: unknown): Buffer => str(2, JSON.stringify(v));
const named = (no: number, name: string, value: Buffer): Buffer =>
  msg(no, Buffer.concat([str(1, name), msg(2, value)]));

function extensions(no: number, o: Json): Buffer {
  return Buffer.concat(
    Object.entries(o)
      .filter(([k]) => k.startsWith('x-'))
      .map(([k, v]) => named(no, k, anyValue(v))),
  );
}

function schema(s: Json): Buffer {
  const parts = [
    str(1, s.$ref),
    str(2, s.format),
    str(3, s.title),
    str(4, s.description),
    s.default !== undefined ? msg(5, anyValue(s.default)) : Buffer.alloc(0),
    double(7, s.maximum),
    double(9, s.minimum),
    int(11, s.maxLength),
    int(12, s.minLength),
    str(13, s.pattern),
    int(14, s.maxItems),
    int(15, s.minItems),
    bool(16, s.uniqueItems),
    strs(19, s.required),
    Buffer.concat(((s.enum ?? []) as unknown[]).map((v) => msg(20, anyValue(v)))),
  ];
  if (s.additionalProperties !== undefined) {
    const ap = s.additionalProperties;
    parts.push(msg(21, typeof ap === 'boolean' ? Buffer.concat([key(2, 0), varint(ap ? 1 : 0)]) : msg(1, schema(ap))));
  }
  if (s.type) parts.push(msg(22, strs(1, [s.type])));
  if (s.items) parts.push(msg(23, msg(1, schema(s.items))));
  for (const a of (s.allOf ?? []) as Json[]) parts.push(msg(24, schema(a)));
  if (s.properties)
    parts.push(msg(25, Buffer.concat(Object.entries(s.properties as Json).map(([k, v]) => named(1, k, schema(v))))));
  parts.push(extensions(31, s));
  return Buffer.concat(parts);
}

function parameter(p: Json): Buffer {
  if (p.in === 'body') {
    return msg(
      1,
      Buffer.concat([
        str(1, p.description),
        str(2, p.name),
        str(3, p.in),
        bool(4, p.required),
        msg(5, schema(p.schema ?? {})),
        extensions(6, p),
      ]),
    );
  }
  const sub =
    p.in === 'query'
      ? msg(
          3,
          Buffer.concat([
            bool(1, p.required),
            str(2, p.in),
            str(3, p.description),
            str(4, p.name),
            str(6, p.type),
            bool(20, p.uniqueItems),
            extensions(23, p),
          ]),
        )
      : msg(
          4,
          Buffer.concat([
            bool(1, p.required),
            str(2, p.in),
            str(3, p.description),
            str(4, p.name),
            str(5, p.type),
            bool(19, p.uniqueItems),
            extensions(22, p),
          ]),
        );
  return msg(2, sub);
}

/** ParametersItem{parameter}. */
const parametersItem = (no: number, p: Json): Buffer => msg(no, msg(1, parameter(p)));

function operation(op: Json): Buffer {
  const responses = Object.entries((op.responses ?? {}) as Json).map(([code, r]) =>
    named(
      1,
      code,
      msg(1, Buffer.concat([str(1, r.description), r.schema ? msg(2, msg(1, schema(r.schema))) : Buffer.alloc(0)])),
    ),
  );
  return Buffer.concat([
    strs(1, op.tags),
    str(3, op.description),
    str(5, op.operationId),
    strs(6, op.produces),
    strs(7, op.consumes),
    ...((op.parameters ?? []) as Json[]).map((p) => parametersItem(8, p)),
    msg(9, Buffer.concat(responses)),
    strs(10, op.schemes),
    extensions(13, op),
  ]);
}

const PATH_OPS: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };

function pathItem(item: Json): Buffer {
  const parts: Buffer[] = [];
  for (const [verb, no] of Object.entries(PATH_OPS)) if (item[verb]) parts.push(msg(no, operation(item[verb])));
  for (const p of (item.parameters ?? []) as Json[]) parts.push(parametersItem(9, p));
  return Buffer.concat(parts);
}

/** Encodes a Swagger 2.0 JSON document as an openapi.v2.Document message. */
export function encodeOpenApiV2(doc: Json): Buffer {
  const paths = Object.entries((doc.paths ?? {}) as Json).map(([p, item]) => named(2, p, pathItem(item)));
  const defs = Object.entries((doc.definitions ?? {}) as Json).map(([n, s]) => named(1, n, schema(s)));
  return Buffer.concat([
    str(1, doc.swagger),
    msg(2, Buffer.concat([str(1, doc.info?.title), str(2, doc.info?.version)])),
    msg(8, Buffer.concat(paths)),
    msg(9, Buffer.concat(defs)),
  ]);
}
