// What the mutating webhook (webhook.serving.knative.dev) fills in, with stock config-defaults.

import type { RequestContext } from '../../api/contracts.js';
import { KnativeLabels } from '../../../core/knative-types.js';
import { semanticEqual } from './semantic.js';

/** config-defaults `revision-timeout-seconds`. */
export const DEFAULT_TIMEOUT_SECONDS = 300;
/** config-defaults `container-concurrency`. */
export const DEFAULT_CONTAINER_CONCURRENCY = 0;
/** config-defaults `container-name-template`. */
export const DEFAULT_CONTAINER_NAME = 'user-container';

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

// Go serialises a TrafficTarget in declaration order; rebuilding keeps `-o json` output familiar.
const TRAFFIC_KEY_ORDER = ['tag', 'revisionName', 'configurationName', 'latestRevision', 'percent', 'url'];

/** TrafficTarget.SetDefaults: latestRevision follows "no revisionName", percent defaults to 0. */
export function defaultTrafficTarget(target: Obj): Obj {
  if (target.latestRevision == null) target.latestRevision = (target.revisionName ?? '') === '';
  if (target.percent == null) target.percent = 0;
  const ordered: Obj = {};
  for (const k of TRAFFIC_KEY_ORDER) if (k in target) ordered[k] = target[k];
  for (const k of Object.keys(target)) if (!(k in ordered)) ordered[k] = target[k];
  return ordered;
}

/** RouteSpec.SetDefaults in place: inside a Service, a missing or empty list becomes one latest/100 entry. */
export function defaultTraffic(spec: Obj, hasDefaultConfigurationName: boolean): void {
  if (hasDefaultConfigurationName && (!Array.isArray(spec.traffic) || spec.traffic.length === 0)) {
    spec.traffic = [{ latestRevision: true, percent: 100 }];
  }
  if (Array.isArray(spec.traffic))
    spec.traffic = spec.traffic.map((t: unknown) => (isObj(t) ? defaultTrafficTarget(t) : t));
}

/** RevisionSpec.SetDefaults on a revision spec (the template's `spec`) in place. */
export function defaultRevisionSpec(spec: Obj, isCreate: boolean): void {
  if (spec.timeoutSeconds == null || spec.timeoutSeconds === 0) spec.timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
  if (spec.containerConcurrency == null) spec.containerConcurrency = DEFAULT_CONTAINER_CONCURRENCY;
  const hasContainers = Array.isArray(spec.containers);
  const containers: unknown[] = hasContainers ? spec.containers : [];
  const initContainers: unknown[] = Array.isArray(spec.initContainers) ? spec.initContainers : [];
  // Only user-supplied names are avoided (as upstream): generated ones never collide with each other.
  const taken = new Set([...containers, ...initContainers].map((c) => (isObj(c) ? (c.name ?? '') : '')));
  let nextSuffix = 0;
  const defaulted = containers.map((raw) => {
    if (!isObj(raw)) return raw;
    let c: Obj = raw;
    if (c.name == null || c.name === '') {
      let name = DEFAULT_CONTAINER_NAME;
      if (containers.length > 1 || taken.has(name)) {
        do name = `${DEFAULT_CONTAINER_NAME}-${nextSuffix++}`;
        while (taken.has(name));
      }
      const { name: _unset, ...rest } = c;
      c = { name, ...rest };
    }
    defaultContainer(c, containers.length === 1, writableVolumes(spec.volumes));
    return c;
  });
  if (hasContainers) spec.containers = defaulted;
  // Only on create, so that existing objects keep what they had (revision_defaults.go).
  if (isCreate && spec.enableServiceLinks == null) spec.enableServiceLinks = false;
}

// Volumes a mount may write to; mounts of every other volume are defaulted to readOnly.
function writableVolumes(volumes: unknown): Set<string> {
  const list: unknown[] = Array.isArray(volumes) ? volumes : [];
  return new Set(
    list
      .filter((v): v is Obj => isObj(v) && (isObj(v.emptyDir) || isObj(v.persistentVolumeClaim) || isObj(v.ephemeral)))
      .map((v) => v.name),
  );
}

function defaultContainer(c: Obj, single: boolean, writable: Set<string>): void {
  if (c.resources == null) c.resources = {};
  // The readiness probe goes on the serving container: the only one, or the one that declares a port.
  if (single || (Array.isArray(c.ports) && c.ports.length > 0)) {
    if (!isObj(c.readinessProbe)) c.readinessProbe = {};
    const p = c.readinessProbe;
    if (p.tcpSocket == null && p.httpGet == null && p.exec == null && p.grpc == null) p.tcpSocket = { port: 0 };
  }
  // Threshold defaults apply to any container's readiness probe, sidecars included.
  if (isObj(c.readinessProbe)) {
    const p = c.readinessProbe;
    if (p.successThreshold == null || p.successThreshold === 0) p.successThreshold = 1;
    // With an explicit period, Kubernetes' own probe defaults are filled in too.
    if (typeof p.periodSeconds === 'number' && p.periodSeconds !== 0) {
      if (p.failureThreshold == null || p.failureThreshold === 0) p.failureThreshold = 3;
      if (p.timeoutSeconds == null || p.timeoutSeconds === 0) p.timeoutSeconds = 1;
    }
  }
  for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
    const grpc = c[probe]?.grpc;
    if (isObj(grpc) && grpc.service == null) grpc.service = '';
  }
  if (Array.isArray(c.volumeMounts))
    for (const vm of c.volumeMounts) if (isObj(vm) && !writable.has(vm.name)) vm.readOnly = true;
}

/** ConfigurationSpec.SetDefaults, skipped for an unchanged BYO template name (a defaults change is no rename). */
export function defaultConfigurationSpec(spec: Obj, oldSpec: Obj | undefined): void {
  const newName = spec.template?.metadata?.name ?? '';
  const oldName = oldSpec?.template?.metadata?.name ?? '';
  if (oldSpec && newName !== '' && newName === oldName) return;
  if (!isObj(spec.template)) spec.template = {};
  if (!isObj(spec.template.spec)) spec.template.spec = {};
  defaultRevisionSpec(spec.template.spec, oldSpec === undefined);
}

/** SetUserInfo: creator and lastModifier on create; lastModifier on an update that changes the spec. */
export function setUserInfo(obj: Obj, oldSpec: unknown, isUpdate: boolean, ctx: RequestContext): void {
  if (!ctx.user) return;
  if (isUpdate && semanticEqual(oldSpec, obj.spec)) return;
  const meta = obj.metadata ?? (obj.metadata = {});
  const ann = isObj(meta.annotations) ? meta.annotations : (meta.annotations = {});
  if (!isUpdate) ann[KnativeLabels.creator] = ctx.user;
  ann[KnativeLabels.lastModifier] = ctx.user;
}

/** Go's `GetOwnerReferences() == nil`, with an empty list counting as none (storage drops it). */
export function hasOwnerReferences(obj: Obj): boolean {
  const refs = obj.metadata?.ownerReferences;
  return Array.isArray(refs) && refs.length > 0;
}

/** Ensures `obj.spec` is an object and returns it. */
export function specOf(obj: Obj): Obj {
  if (!isObj(obj.spec)) obj.spec = {};
  return obj.spec;
}
