// Who else writes a Knative Service: a GitOps controller that applies it from Git (Argo CD, Flux) or another rollout
// controller that moves its traffic (a Flagger Canary). Pure: the Service and the cluster's canaries come in as data.
import type { KnativeService } from './knative-types.js';

/** --gitops: go on with a warning, or refuse (exit 5) a write to a Service another controller owns. */
export type GitOpsMode = 'warn' | 'refuse';

export const GITOPS_MODES: readonly GitOpsMode[] = ['warn', 'refuse'];

/** The keys the controllers mark their objects with (their own documentation's names). */
export const ControllerMarks = {
  argoTrackingId: 'argocd.argoproj.io/tracking-id',
  argoInstanceLabel: 'app.kubernetes.io/instance',
  fluxKustomizationName: 'kustomize.toolkit.fluxcd.io/name',
  fluxKustomizationNamespace: 'kustomize.toolkit.fluxcd.io/namespace',
  fluxReconcile: 'kustomize.toolkit.fluxcd.io/reconcile',
  fluxHelmName: 'helm.toolkit.fluxcd.io/name',
  fluxHelmNamespace: 'helm.toolkit.fluxcd.io/namespace',
} as const;

/**
 * The field managers Argo CD writes under: `argocd-controller` for server-side apply syncs, and the application
 * controller's own name for client-side apply (kubectl's library records the program name).
 */
export const ARGOCD_MANAGERS: readonly string[] = ['argocd-controller', 'argocd-application-controller'];

/** A Flagger Canary as bgctl reads it: where it is and what it drives. */
export interface CanaryRef {
  namespace: string;
  name: string;
  targetRef?: { apiVersion?: string; kind?: string; name?: string };
}

/** What the cluster said about Flagger's API: not served (404), unreadable (403, errors), or its canaries. */
export type FlaggerLookup =
  { api: 'absent' } | { api: 'unknown'; why: string } | { api: 'present'; canaries: CanaryRef[] };

export interface Controller {
  tool: 'argocd' | 'flux' | 'flagger';
  /** e.g. `Argo CD application shop`, `Flux Kustomization flux-system/apps`, `Flagger canary default/hello`. */
  owner: string;
  /** What it does to bgctl's change, one sentence. */
  effect: string;
}

/** Argo CD's tracking id is `APP:GROUP/KIND:NAMESPACE/NAME`; APP is `NS_APP` for applications in any namespace. */
function argoApplication(trackingId: string): string | undefined {
  const app = trackingId.split(':')[0]?.trim();
  if (!app) return undefined;
  const sep = app.indexOf('_');
  return sep > 0 ? `${app.slice(0, sep)}/${app.slice(sep + 1)}` : app;
}

/** The managers of metadata.managedFields (read defensively: bgctl does not shape-check that field). */
function fieldManagers(svc: KnativeService): string[] {
  const entries: unknown = svc.metadata.managedFields;
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((e: unknown) => {
    const m = e && typeof e === 'object' ? (e as { manager?: unknown }).manager : undefined;
    return typeof m === 'string' ? [m] : [];
  });
}

function argoController(svc: KnativeService): Controller | undefined {
  const annotations = svc.metadata.annotations ?? {};
  const labels = svc.metadata.labels ?? {};
  const tracked = annotations[ControllerMarks.argoTrackingId];
  let app = tracked !== undefined ? argoApplication(tracked) : undefined;
  if (!app) {
    const instance = labels[ControllerMarks.argoInstanceLabel];
    if (instance && fieldManagers(svc).some((m) => ARGOCD_MANAGERS.includes(m))) app = instance;
  }
  if (!app) return undefined;
  return {
    tool: 'argocd',
    owner: `Argo CD application ${app}`,
    effect:
      'with self-heal it reverts this change at its next sync (unless Git has the same spec); ' +
      'without self-heal the application shows OutOfSync',
  };
}

function fluxControllers(svc: KnativeService): Controller[] {
  const labels = svc.metadata.labels ?? {};
  const annotations = svc.metadata.annotations ?? {};
  const ns = svc.metadata.namespace ?? 'default';
  const out: Controller[] = [];
  const kustomization = labels[ControllerMarks.fluxKustomizationName];
  // Flux leaves an object alone while it carries reconcile: disabled.
  if (kustomization && annotations[ControllerMarks.fluxReconcile] !== 'disabled') {
    out.push({
      tool: 'flux',
      owner: `Flux Kustomization ${labels[ControllerMarks.fluxKustomizationNamespace] ?? ns}/${kustomization}`,
      effect: 'it applies the manifest from Git again at its next reconciliation and reverts this change',
    });
  }
  const release = labels[ControllerMarks.fluxHelmName];
  if (release) {
    out.push({
      tool: 'flux',
      owner: `Flux HelmRelease ${labels[ControllerMarks.fluxHelmNamespace] ?? ns}/${release}`,
      effect: 'its next upgrade or drift correction reverts this change',
    });
  }
  return out;
}

/** True when the canary's targetRef is this Knative Service. */
export function targetsService(canary: CanaryRef, svc: KnativeService): boolean {
  const t = canary.targetRef;
  return (
    !!t &&
    t.kind === 'Service' &&
    (t.apiVersion ?? '').startsWith('serving.knative.dev/') &&
    t.name === svc.metadata.name &&
    canary.namespace === (svc.metadata.namespace ?? canary.namespace)
  );
}

function flaggerControllers(svc: KnativeService, flagger: FlaggerLookup | undefined): Controller[] {
  if (flagger?.api !== 'present') return [];
  return flagger.canaries
    .filter((c) => targetsService(c, svc))
    .map((c) => ({
      tool: 'flagger' as const,
      owner: `Flagger canary ${c.namespace}/${c.name}`,
      effect: "also drives this Service's traffic: it overwrites this change during its analysis",
    }));
}

/** Every controller that writes this Service besides bgctl, in a fixed order (Argo CD, Flux, Flagger). */
export function detectControllers(svc: KnativeService, flagger?: FlaggerLookup): Controller[] {
  const argo = argoController(svc);
  return [...(argo ? [argo] : []), ...fluxControllers(svc), ...flaggerControllers(svc, flagger)];
}

/** The plan's warning for one controller: names the owner and what it will do. */
export function controllerWarning(c: Controller, service: string): string {
  const how =
    c.tool === 'flagger'
      ? 'let the canary move the traffic, or remove it before using bgctl'
      : 'commit the change to Git instead (--render prints the manifest)';
  return `${c.owner} manages service "${service}": ${c.effect}; ${how}`;
}

/** A note when bgctl could not tell whether a Flagger canary drives the Service (403, errors); undefined otherwise. */
export function flaggerUnknownNote(flagger: FlaggerLookup | undefined, service: string): string | undefined {
  if (flagger?.api !== 'unknown') return undefined;
  return `could not tell whether a Flagger canary drives service "${service}" (${flagger.why})`;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The canaries of a CanaryList's items, read defensively (a malformed item is skipped, not trusted); undefined when
 * `items` is not a list at all. */
export function canaryRefs(items: unknown, namespace: string): CanaryRef[] | undefined {
  if (!Array.isArray(items)) return undefined;
  return items.flatMap((item: unknown): CanaryRef[] => {
    const o = (item && typeof item === 'object' ? item : {}) as { metadata?: any; spec?: any };
    const name = str(o.metadata?.name);
    if (!name) return [];
    const t = o.spec?.targetRef;
    const ref: CanaryRef = { namespace: str(o.metadata?.namespace) ?? namespace, name };
    if (t && typeof t === 'object')
      ref.targetRef = { apiVersion: str(t.apiVersion), kind: str(t.kind), name: str(t.name) };
    return [ref];
  });
}
