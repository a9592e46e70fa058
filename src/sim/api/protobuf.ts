// Just enough Kubernetes protobuf to read the one body kubectl sends that way: `kubectl create
// namespace` posts a Namespace as application/vnd.kubernetes.protobuf (a runtime.Unknown envelope
// behind the magic "k8s\0"). Responses stay JSON, which kubectl also accepts.
import type { KObject } from './contracts.js';
import { badRequest } from './status.js';

type Field = { no: number; wire: number; value: bigint | Buffer };

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (i >= buf.length) throw new Error('truncated varint');
      const b = buf[i++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, value: varint() });
    else if (wire === 2) {
      const len = Number(varint());
      out.push({ no, wire, value: buf.subarray(i, i + len) });
      i += len;
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const str = (f: Field): string => (f.value as Buffer).toString('utf8');

function stringMap(entries: Field[]): Record<string, string> {
  const m: Record<string, string> = {};
  for (const e of entries) {
    const kv = fields(e.value as Buffer);
    m[str(kv.find((f) => f.no === 1) ?? { no: 1, wire: 2, value: Buffer.alloc(0) })] = str(
      kv.find((f) => f.no === 2) ?? { no: 2, wire: 2, value: Buffer.alloc(0) },
    );
  }
  return m;
}

function objectMeta(buf: Buffer): KObject['metadata'] {
  const fs = fields(buf);
  const meta: KObject['metadata'] = { name: '' };
  for (const f of fs) {
    if (f.no === 1) meta.name = str(f);
    else if (f.no === 2) meta.generateName = str(f);
    else if (f.no === 3) meta.namespace = str(f);
    else if (f.no === 6) meta.resourceVersion = str(f);
    else if (f.no === 14) (meta.finalizers ??= []).push(str(f));
  }
  const labels = fs.filter((f) => f.no === 11);
  const annotations = fs.filter((f) => f.no === 12);
  if (labels.length) meta.labels = stringMap(labels);
  if (annotations.length) meta.annotations = stringMap(annotations);
  return meta;
}

/** Decodes a protobuf-encoded core/v1 Namespace (metadata name, labels, annotations, spec.finalizers). */
export function decodeNamespaceProto(body: Buffer): KObject {
  try {
    if (body.subarray(0, 4).toString('binary') !== 'k8s\0') throw new Error('missing the k8s protobuf magic');
    const unknown = fields(body.subarray(4));
    const typeMeta = unknown.find((f) => f.no === 1);
    const raw = unknown.find((f) => f.no === 2);
    let apiVersion = '';
    let kind = '';
    if (typeMeta) {
      for (const f of fields(typeMeta.value as Buffer)) {
        if (f.no === 1) apiVersion = str(f);
        if (f.no === 2) kind = str(f);
      }
    }
    if (kind !== 'Namespace' || !raw)
      throw new Error(`only Namespace is understood in protobuf, not ${kind || 'an empty kind'}`);
    const obj: KObject = { apiVersion: apiVersion || 'v1', kind, metadata: { name: '' } };
    for (const f of fields(raw.value as Buffer)) {
      if (f.no === 1) obj.metadata = objectMeta(f.value as Buffer);
      if (f.no === 2) {
        const fin = fields(f.value as Buffer)
          .filter((x) => x.no === 1)
          .map(str);
        obj.spec = fin.length ? { finalizers: fin } : {};
      }
    }
    return obj;
  } catch (err) {
    throw badRequest(`the body of the request could not be decoded as protobuf: ${(err as Error).message}`);
  }
}
