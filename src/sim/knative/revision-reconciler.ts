// The Revision controller, with a simulated pod: Deploying (Unknown) until `ready-after` has
// passed since the revision was first seen, then Ready, or the failure the `fail` knob asks for.
import { createHash } from 'node:crypto';
import { ConditionManager, REVISION_CONDITIONS } from './conditions.js';
import { MSG } from './constants.js';
import { timestamp } from '../api/object-meta.js';
import { knobsOf } from './knobs.js';
import type { PassResult } from './queue.js';
import type { Runtime } from './runtime.js';

/** One pass over the Revision `ns/name`. */
export function reconcileRevision(rt: Runtime, ns: string, name: string): PassResult {
  const rev = rt.get('revisions', ns, name);
  if (!rev || rev.metadata.deletionTimestamp) return { wrote: false };
  const generation = rev.metadata.generation ?? 0;
  const status: Record<string, any> = structuredClone(rev.status ?? {});
  const cm = new ConditionManager(REVISION_CONDITIONS, status.conditions);
  cm.initialize();
  if ((status.observedGeneration ?? 0) !== generation) cm.markUnknown('Ready', 'NewObservedGenFailure', MSG.newGen);

  const knobs = knobsOf(rev.metadata.annotations, rt.timing.readyAfterMs);
  const uid = rev.metadata.uid ?? name;
  const now = rt.clock.now();
  let due = rt.podDue.get(uid);
  if (due === undefined) {
    due = now + knobs.readyAfterMs;
    rt.podDue.set(uid, due);
  }
  const container = rev.spec?.containers?.[0] ?? {};
  const image: string = container.image ?? '';
  let requeueAfterMs: number | undefined;
  const settled = cm.get('Ready')?.status !== 'Unknown' && cm.get('Ready')?.reason !== 'NewObservedGenFailure';
  if (settled) {
    // A started pod stays as it ended; the knobs cannot change without a new revision.
  } else if (now < due) {
    cm.markUnknown('ResourcesAvailable', 'Deploying', '');
    cm.markUnknown('ContainerHealthy', 'Deploying', '');
    markActive(cm, 'Unknown', 'Queued', MSG.queued);
    status.actualReplicas = 0;
    status.desiredReplicas = 1;
    requeueAfterMs = due - now;
  } else if (knobs.fail?.reason === 'ContainerMissing') {
    cm.markFalse('ContainerHealthy', 'ContainerMissing', MSG.imageMissing(image, manifestUnknown(image)));
    status.actualReplicas = 0;
    status.desiredReplicas = 0;
  } else if (knobs.fail) {
    const code = 'exitCode' in knobs.fail ? knobs.fail.exitCode : 1;
    cm.markFalse('ContainerHealthy', knobs.fail.reason, MSG.containerExited(`exit status ${code}`));
    status.actualReplicas = 0;
    status.desiredReplicas = 1;
  } else {
    cm.markTrue('ResourcesAvailable');
    cm.markTrue('ContainerHealthy');
    markActive(cm, 'True');
    status.actualReplicas = 1;
    status.desiredReplicas = 1;
  }
  if (!knobs.fail || knobs.fail.reason !== 'ContainerMissing') {
    status.containerStatuses = [{ name: container.name ?? 'user-container', imageDigest: digestOf(image) }];
  }
  status.observedGeneration = generation;
  status.conditions = cm.result(timestamp(rt.now()));
  rt.writeStatus('revisions', rev, orderStatus(status));
  return { wrote: rt.wrote, requeueAfterMs };
}

function markActive(cm: ConditionManager, status: 'True' | 'Unknown', reason = '', message = ''): void {
  // Active is informational: it never feeds Ready (severity Info).
  if (status === 'True') cm.markTrue('Active');
  else cm.markUnknown('Active', reason, message);
}

/** A go-containerregistry style error for a tag the registry does not know. */
function manifestUnknown(image: string): string {
  let rest = image;
  let ref = 'latest';
  const at = rest.indexOf('@');
  if (at >= 0) {
    ref = rest.slice(at + 1);
    rest = rest.slice(0, at);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      ref = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
    }
  }
  const slash = rest.indexOf('/');
  const hasRegistry = slash > 0 && /[.:]|^localhost$/.test(rest.slice(0, slash));
  const registry = hasRegistry ? rest.slice(0, slash) : 'index.docker.io';
  let repo = hasRegistry ? rest.slice(slash + 1) : rest;
  if (!hasRegistry && !repo.includes('/')) repo = `library/${repo}`;
  return `GET https://${registry}/v2/${repo}/manifests/${ref}: MANIFEST_UNKNOWN: manifest unknown; map[Tag:${ref}]`;
}

/** A stable fake digest, so `imageDigest` looks like a resolved image. */
function digestOf(image: string): string {
  const base = image.split('@')[0].replace(/:[^/:]+$/, '');
  return `${base}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}

function orderStatus(s: Record<string, any>): Record<string, any> {
  const order = [
    'observedGeneration',
    'conditions',
    'logUrl',
    'containerStatuses',
    'actualReplicas',
    'desiredReplicas',
  ];
  const out: Record<string, any> = {};
  for (const k of order) if (s[k] !== undefined) out[k] = s[k];
  for (const k of Object.keys(s)) if (!(k in out) && s[k] !== undefined) out[k] = s[k];
  return out;
}
