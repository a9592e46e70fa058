// The webhook's warnings on every pod template write (k8s_validation.go warnDefaultContainerSecurityContext, Knative
// >= 1.9, secure-pod-defaults off): each container securityContext left at insecure defaults is named; and the
// deprecated queue-proxy percentage annotation of a template (revision_validation.go).
import type { AdmissionHooks, KObject, RequestContext } from '../api/contracts.js';
import { renderFieldErrors } from './admission/field-error.js';
import { queueSidecarWarnings } from './admission/queue-sidecar.js';

const INSECURE = 'Kubernetes default value is insecure, Knative may default this to secure in a future release';

type Sc = Record<string, any> | undefined;

/** The paths (relative to the container) left insecure, and whether drop is misspelt "all". */
function containerFindings(psc: Sc, sc: Sc): { insecure: string[]; lowercaseAll: boolean } {
  const p = psc ?? {};
  const c = sc ?? {};
  const insecure: string[] = [];
  let lowercaseAll = false;
  if (p.runAsNonRoot == null && c.runAsNonRoot == null) insecure.push('runAsNonRoot');
  if (c.allowPrivilegeEscalation == null) insecure.push('allowPrivilegeEscalation');
  if (c.seccompProfile == null && p.seccompProfile == null) insecure.push('seccompProfile');
  else if (!p.seccompProfile?.type && !c.seccompProfile?.type) insecure.push('seccompProfile.type');
  if (c.capabilities == null) insecure.push('capabilities');
  else if (c.capabilities.drop == null) insecure.push('capabilities.drop');
  else if (c.capabilities.drop[0] === 'all') lowercaseAll = true;
  return { insecure, lowercaseAll };
}

/** The warnings for one pod spec at `prefix` (e.g. `spec.template.spec`), merged as FieldError.WrappedErrors does. */
export function securityContextWarnings(podSpec: Record<string, any> | undefined, prefix: string): string[] {
  if (!podSpec) return [];
  const insecure: string[] = [];
  const misspelt: string[] = [];
  for (const list of ['containers', 'initContainers'] as const) {
    (podSpec[list] ?? []).forEach((ctr: Record<string, any>, i: number) => {
      const base = `${prefix}.${list}[${i}].securityContext`;
      const f = containerFindings(podSpec.securityContext, ctr?.securityContext);
      insecure.push(...f.insecure.map((p) => `${base}.${p}`));
      if (f.lowercaseAll) misspelt.push(`${base}.capabilities.drop`);
    });
  }
  const out: string[] = [];
  if (insecure.length) out.push(`${INSECURE}: ${[...new Set(insecure)].sort().join(', ')}`);
  if (misspelt.length) out.push(`invalid value: all: ${misspelt.sort().join(', ')}\nMust be spelled as 'ALL'`);
  return out;
}

/** The deprecated queue-proxy percentage annotation of a template (RevisionTemplateSpec.Validate). */
function templateWarnings(template: Record<string, any> | undefined): string[] {
  const annotations = template?.metadata?.annotations;
  if (typeof annotations !== 'object' || annotations === null) return [];
  return queueSidecarWarnings(annotations).length ? [renderFieldErrors(queueSidecarWarnings(annotations))] : [];
}

/** Where the pod spec sits in each kind, and the template's own warnings (Revisions have no template). */
const POD_SPEC: Record<
  string,
  { get: (o: KObject) => Record<string, any> | undefined; prefix: string; template?: (o: KObject) => string[] }
> = {
  services: {
    get: (o) => o.spec?.template?.spec,
    prefix: 'spec.template.spec',
    template: (o) => templateWarnings(o.spec?.template),
  },
  configurations: {
    get: (o) => o.spec?.template?.spec,
    prefix: 'spec.template.spec',
    template: (o) => templateWarnings(o.spec?.template),
  },
  revisions: { get: (o) => o.spec, prefix: 'spec' },
};

/** `hooks` plus the warnings of a write that the validating webhook lets through. */
export function withSecurityWarnings(kind: string, hooks: AdmissionHooks): AdmissionHooks {
  const at = POD_SPEC[kind];
  if (!at) return hooks;
  return {
    ...hooks,
    validate(obj: KObject, old: KObject | undefined, ctx: RequestContext) {
      // knative/pkg attaches the warnings in a defer and the apiserver relays them before it looks
      // at `allowed`: a refused write carries them too.
      let warnings: string[] = [];
      try {
        // One FieldError tree upstream: its warnings come out sorted by message.
        warnings = [...securityContextWarnings(at.get(obj), at.prefix), ...(at.template?.(obj) ?? [])].sort((a, b) =>
          a < b ? -1 : a > b ? 1 : 0,
        );
      } catch {
        // A malformed pod spec: validation below says what is wrong with it.
      }
      // knative/pkg's webhook splits each warning at its newlines (a control character would make the
      // apiserver drop it).
      if (warnings.length) (ctx.warnings ??= []).push(...warnings.flatMap((w) => w.split('\n')));
      hooks.validate?.(obj, old, ctx);
    },
  };
}
