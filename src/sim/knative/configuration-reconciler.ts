// The Configuration controller (pkg/reconciler/configuration): one Revision per generation of
// the template (or the BYO name), and the latestCreated/latestReady bookkeeping (§3).
import type { KObject } from '../api/contracts.js';
import { StatusError } from '../api/contracts.js';
import { CONFIGURATION_CONDITIONS, ConditionManager } from './conditions.js';
import { A, API_VERSION, L, MSG } from './constants.js';
import { deepEqual } from '../api/patch.js';
import { timestamp } from '../api/object-meta.js';
import { controllerRef, isControlledBy } from './owners.js';
import { revisionName } from './names.js';
import { collectRevisions } from './gc.js';
import { isReady, readyOf } from './readiness.js';
import { revisionsOf } from './lookups.js';
import type { PassResult } from './queue.js';
import type { Runtime } from './runtime.js';

/**
 * configuration.go CheckNameAvailability for a BYO template name: 'free' (no such revision),
 * 'ours' (reusable), or 'taken' (another owner, or ours with a different spec and generation).
 */
export function checkNameAvailability(rt: Runtime, config: KObject): 'free' | 'ours' | 'taken' {
  const name: string | undefined = config.spec?.template?.metadata?.name;
  if (!name) return 'free';
  const rev = rt.get('revisions', config.metadata.namespace!, name);
  if (!rev) return 'free';
  if (!isControlledBy(rev, config)) return 'taken';
  if (
    rev.metadata.labels?.[L.configurationGeneration] !== String(config.metadata.generation) &&
    !deepEqual(config.spec?.template?.spec, rev.spec)
  ) {
    return 'taken';
  }
  return 'ours';
}

function alreadyExists(name: string): string {
  return `revisions.serving.knative.dev ${JSON.stringify(name)} already exists`;
}

/** One pass over the Configuration `ns/name`. */
export function reconcileConfiguration(rt: Runtime, ns: string, name: string): PassResult {
  const config = rt.get('configurations', ns, name);
  if (!config || config.metadata.deletionTimestamp) return { wrote: false };
  const generation = config.metadata.generation ?? 0;
  const status: Record<string, any> = structuredClone(config.status ?? {});
  const cm = new ConditionManager(CONFIGURATION_CONDITIONS, status.conditions);
  cm.initialize();
  if ((status.observedGeneration ?? 0) !== generation) cm.markUnknown('Ready', 'NewObservedGenFailure', MSG.newGen);
  let saved = config;
  try {
    reconcileRevisions(rt, config, status, cm);
  } finally {
    status.observedGeneration = generation;
    status.conditions = cm.result(timestamp(rt.now()));
    const ordered: Record<string, any> = {
      observedGeneration: status.observedGeneration,
      conditions: status.conditions,
    };
    for (const k of ['latestReadyRevisionName', 'latestCreatedRevisionName']) if (status[k]) ordered[k] = status[k];
    saved = rt.writeStatus('configurations', config, ordered);
  }
  // The GC controller watches Configurations too; running it after this pass sees the new latestReady.
  const gc = collectRevisions(rt, saved);
  return { wrote: rt.wrote, requeueAfterMs: gc.requeueAfterMs };
}

function reconcileRevisions(rt: Runtime, config: KObject, status: Record<string, any>, cm: ConditionManager): void {
  let lcr: KObject | undefined;
  const byo: string | undefined = config.spec?.template?.metadata?.name || undefined;
  if (byo) {
    const avail = checkNameAvailability(rt, config);
    if (avail === 'taken') {
      cm.markFalse('Ready', 'RevisionFailed', MSG.creationFailed(alreadyExists(byo)));
      return;
    }
    if (avail === 'ours') lcr = rt.get('revisions', config.metadata.namespace!, byo);
  } else {
    lcr = revisionsOf(rt, config).find(
      (r) => r.metadata.labels?.[L.configurationGeneration] === String(config.metadata.generation),
    );
  }
  if (!lcr) {
    try {
      lcr = rt.create('revisions', config.metadata.namespace!, makeRevision(rt, config));
    } catch (err) {
      const msg = err instanceof StatusError ? err.message : String(err);
      cm.markFalse('Ready', 'RevisionFailed', MSG.creationFailed(msg));
      return;
    }
  }
  const revName = lcr.metadata.name;
  status.latestCreatedRevisionName = revName;
  if (status.latestReadyRevisionName !== revName) cm.markUnknown('Ready', '', '');
  const rc = readyOf(lcr);
  if (rc?.status === 'False') cm.markFalse('Ready', 'RevisionFailed', MSG.revisionFailed(revName, rc.message ?? ''));
  // latestReady: the newest Ready revision between the current latestReady and this generation.
  for (const rev of sortedCandidates(rt, config, status.latestReadyRevisionName)) {
    if (!isReady(rev)) continue;
    status.latestReadyRevisionName = rev.metadata.name;
    if (rev.metadata.name === status.latestCreatedRevisionName) cm.markTrue('Ready');
    break;
  }
}

function sortedCandidates(rt: Runtime, config: KObject, latestReady: string | undefined): KObject[] {
  const ns = config.metadata.namespace!;
  const gen = (r: KObject) => Number(r.metadata.labels?.[L.configurationGeneration]);
  let floor = -Infinity;
  if (latestReady) {
    const lrr = rt.get('revisions', ns, latestReady);
    if (lrr && Number.isFinite(gen(lrr))) floor = gen(lrr);
  }
  const byo: string | undefined = config.spec?.template?.metadata?.name || undefined;
  const all = revisionsOf(rt, config);
  // A reused BYO revision is considered first whatever its generation (rollback_byo_test.go).
  const inRange = all.filter(
    (r) => r.metadata.name === byo || (gen(r) >= floor && gen(r) <= (config.metadata.generation ?? 0)),
  );
  return inRange.sort((a, b) => {
    if (a.metadata.name === byo) return -1;
    if (b.metadata.name === byo) return 1;
    return gen(b) - gen(a);
  });
}

/** The Revision a Configuration stamps out for its current generation (resources/revision.go). */
export function makeRevision(rt: Runtime, config: KObject): KObject {
  const template = structuredClone(config.spec?.template ?? {});
  const tmeta = template.metadata ?? {};
  const now = timestamp(rt.now());
  const labels: Record<string, string> = { ...(tmeta.labels ?? {}) };
  const annotations: Record<string, string> = { ...(tmeta.annotations ?? {}) };
  labels[L.configuration] = config.metadata.name;
  if (config.metadata.labels?.[L.service]) labels[L.service] = config.metadata.labels[L.service];
  labels[L.configurationGeneration] = String(config.metadata.generation ?? 0);
  labels[L.configurationUID] = config.metadata.uid ?? '';
  if (config.metadata.labels?.[L.serviceUID]) labels[L.serviceUID] = config.metadata.labels[L.serviceUID];
  // Born "pending" for the labeler, or "active" when the Configuration is already routed.
  labels[L.routingState] = 'pending';
  annotations[A.routingStateModified] = now;
  const modifier = config.metadata.annotations?.[A.lastModifier];
  if (modifier !== undefined) annotations[A.creator] = modifier;
  const routes = config.metadata.annotations?.[A.routes];
  if (routes !== undefined) {
    annotations[A.routes] = routes;
    labels[L.routingState] = 'active';
  }
  return {
    apiVersion: API_VERSION,
    kind: 'Revision',
    metadata: {
      name: tmeta.name || revisionName(config.metadata.name, config.metadata.generation ?? 0),
      namespace: config.metadata.namespace,
      labels,
      annotations,
      ownerReferences: [controllerRef(config)],
    },
    spec: template.spec ?? {},
  };
}
