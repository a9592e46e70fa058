// Request decoding for the API server: bodies, write options (dryRun, fieldManager,
// fieldValidation, force), DeleteOptions, and the RBAC-style Forbidden message.
import yaml from 'js-yaml';
import { groupResource, type KObject, type RequestContext, type ResourceDef } from './contracts.js';
import { parseJson, truthyParam } from './http-util.js';
import { decodeNamespaceProto } from './protobuf.js';
import { badRequest, failure } from './status.js';

/** What a resource request addresses. */
export interface Target {
  def: ResourceDef;
  namespace?: string;
  name?: string;
  sub?: 'status';
  verb: string;
}

/** A create/update body: JSON, YAML, or (for namespaces, as kubectl sends them) protobuf. */
export function decodeObject(raw: Buffer, contentType: string | undefined, def: ResourceDef): KObject {
  const ct = (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
  let obj: unknown;
  if (ct === 'application/vnd.kubernetes.protobuf' && def.group === '' && def.kind === 'Namespace')
    return decodeNamespaceProto(raw);
  if (ct === 'application/json' || ct === '') obj = parseJson(raw.toString('utf8'));
  else if (ct === 'application/yaml') {
    try {
      obj = yaml.load(raw.toString('utf8'));
    } catch (err) {
      throw badRequest(`error decoding YAML: ${(err as Error).message}`);
    }
  } else {
    throw failure(
      415,
      'UnsupportedMediaType',
      'the body of the request was in an unknown format - ' +
        'accepted media types include: application/json, application/yaml',
    );
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
    throw badRequest("Object 'Kind' is missing in request body");
  return obj as KObject;
}

/** DeleteOptions fields the registry uses. */
export type DeleteOpts = {
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
};

/** DeleteOptions from the body (kubectl sends one) and the query. */
export function deleteOptions(body: string, q: Record<string, string>): DeleteOpts {
  const out: DeleteOpts = {};
  if (body.trim()) {
    const o = parseJson(body) as Record<string, any>;
    if (o && typeof o === 'object') {
      if (o.propagationPolicy) out.propagationPolicy = o.propagationPolicy;
      if (o.preconditions) out.preconditions = o.preconditions;
      if (o.orphanDependents === true && !out.propagationPolicy) out.propagationPolicy = 'Orphan';
      if (Array.isArray(o.dryRun) && o.dryRun.length) {
        if (o.dryRun.some((v: unknown) => v !== 'All')) {
          throw failure(
            422,
            'Invalid',
            `DeleteOptions.meta.k8s.io "" is invalid: dryRun: ` +
              `Unsupported value: ${JSON.stringify(o.dryRun)}: supported values: "All"`,
          );
        }
        out.dryRun = true;
      }
    }
  }
  if (q.propagationPolicy) out.propagationPolicy = q.propagationPolicy;
  if (out.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(out.propagationPolicy)) {
    throw failure(
      422,
      'Invalid',
      `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${out.propagationPolicy}": ` +
        'supported values: "Foreground", "Background", "Orphan", "nil"',
    );
  }
  return out;
}

/** dryRun, fieldManager (default: the User-Agent up to the first '/'), fieldValidation, force. */
export function applyWriteParams(
  ctx: RequestContext & { force?: boolean },
  q: Record<string, string>,
  opName: string,
  ua: string | undefined,
): void {
  if (q.dryRun !== undefined) {
    if (q.dryRun !== 'All') {
      throw failure(
        422,
        'Invalid',
        `${opName}.meta.k8s.io "" is invalid: dryRun: ` +
          `Unsupported value: []string{"${q.dryRun}"}: supported values: "All"`,
        {
          group: 'meta.k8s.io',
          kind: opName,
          causes: [
            {
              reason: 'FieldValueNotSupported',
              message: `Unsupported value: []string{"${q.dryRun}"}: supported values: "All"`,
              field: 'dryRun',
            },
          ],
        },
      );
    }
    ctx.dryRun = true;
  }
  if (q.fieldValidation !== undefined && q.fieldValidation !== '') {
    if (!['Ignore', 'Warn', 'Strict'].includes(q.fieldValidation)) {
      throw failure(
        422,
        'Invalid',
        `${opName}.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "${q.fieldValidation}": ` +
          'supported values: "Ignore", "Strict", "Warn"',
        {
          group: 'meta.k8s.io',
          kind: opName,
        },
      );
    }
    ctx.fieldValidation = q.fieldValidation as RequestContext['fieldValidation'];
  }
  if (q.fieldManager) {
    if (q.fieldManager.length > 128) {
      throw failure(
        422,
        'Invalid',
        `${opName}.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes`,
        { group: 'meta.k8s.io', kind: opName },
      );
    }
    ctx.fieldManager = q.fieldManager;
  } else if (ua) ctx.fieldManager = ua.split('/')[0];
  if (q.force !== undefined) ctx.force = truthyParam(q.force);
}

/** 403 `<GR> "x" is forbidden: User "u" cannot <verb> resource ...` (apiserver forbiddenMessage). */
export function forbiddenFor(user: string, t: Target): unknown {
  const resource = t.sub ? `${t.def.plural}/${t.sub}` : t.def.plural;
  const where = t.namespace ? `in the namespace "${t.namespace}"` : 'at the cluster scope';
  const why = `User "${user}" cannot ${t.verb} resource "${resource}" in API group "${t.def.group}" ${where}`;
  const gr = groupResource(t.def);
  const message = t.name ? `${gr} "${t.name}" is forbidden: ${why}` : `${gr} is forbidden: ${why}`;
  const details: Record<string, unknown> = { kind: t.def.plural };
  if (t.name) details.name = t.name;
  if (t.def.group) details.group = t.def.group;
  return failure(403, 'Forbidden', message, details);
}
