// Revision GC (pkg/reconciler/gc, the "responsive" v2 collector): per Configuration, sparing the latest ready, no-gc
// and non-`reserve` revisions, the rest go oldest last-active first once stale while more than `min` remain, then
// anything past `max`.
import type { KObject } from '../api/contracts.js';
import { A, L } from './constants.js';
import type { Runtime } from './runtime.js';
import { revisionsOf } from './lookups.js';

/** `disabled` switches a setting off, as in config-gc. */
export type Disableable = number | 'disabled';

/** config-gc, with durations in milliseconds. */
export interface GcConfig {
  retainSinceCreateTimeMs: Disableable;
  retainSinceLastActiveTimeMs: Disableable;
  minNonActiveRevisions: number;
  maxNonActiveRevisions: Disableable;
}

/** The shipped config-gc: 48h, 15h, 20, 1000. */
export const DEFAULT_GC: GcConfig = {
  retainSinceCreateTimeMs: 48 * 3600_000,
  retainSinceLastActiveTimeMs: 15 * 3600_000,
  minNonActiveRevisions: 20,
  maxNonActiveRevisions: 1000,
};

/** The longest the collector sleeps before looking again (timers cannot hold 48h reliably across clock jumps). */
const MAX_RECHECK_MS = 3600_000;

/** Active revisions are never collected (gc.go isRevisionActive). */
function isActive(rev: KObject, config: KObject): boolean {
  if (config.status?.latestReadyRevisionName === rev.metadata.name) return true;
  if ((rev.metadata.annotations?.[A.noGc] ?? '').toLowerCase() === 'true') return true;
  // Anything the labeler has not explicitly put in reserve (pending included) stays.
  return rev.metadata.labels?.[L.routingState] !== 'reserve';
}

/** routingStateModified, else the creation time (revisionLastActiveTime). */
function lastActive(rev: KObject): number {
  const t = Date.parse(rev.metadata.annotations?.[A.routingStateModified] ?? '');
  return Number.isFinite(t) ? t : Date.parse(rev.metadata.creationTimestamp ?? '');
}

/** When `rev` becomes stale (Infinity: never, both time checks disabled). */
function staleAt(cfg: GcConfig, rev: KObject): number {
  const { retainSinceCreateTimeMs: sinceCreate, retainSinceLastActiveTimeMs: sinceActive } = cfg;
  if (sinceCreate === 'disabled' && sinceActive === 'disabled') return Infinity;
  let at = -Infinity;
  if (sinceCreate !== 'disabled') at = Math.max(at, Date.parse(rev.metadata.creationTimestamp ?? '') + sinceCreate);
  if (sinceActive !== 'disabled') at = Math.max(at, lastActive(rev) + sinceActive);
  return at;
}

/**
 * One collection pass over `config`'s revisions. Deletes what upstream would delete now and
 * returns when to look again (the next revision to turn stale), or undefined when nothing will.
 */
export function collectRevisions(rt: Runtime, config: KObject): { requeueAfterMs?: number } {
  const cfg = rt.gc;
  const min = cfg.minNonActiveRevisions;
  const max = cfg.maxNonActiveRevisions;
  if (
    max === 'disabled' &&
    cfg.retainSinceCreateTimeMs === 'disabled' &&
    cfg.retainSinceLastActiveTimeMs === 'disabled'
  )
    return {};
  const ns = config.metadata.namespace!;
  const all = revisionsOf(rt, config).filter((r) => !r.metadata.deletionTimestamp);
  if (all.length <= min) return {};
  const nonActive = all.filter((r) => !isActive(r, config)).sort((a, b) => lastActive(a) - lastActive(b));
  if (nonActive.length <= min) return {};
  const now = rt.now().getTime();
  const kept: KObject[] = [];
  let deleted = 0;
  let next = Infinity;
  for (const rev of nonActive) {
    // Stop once only `min` would be left (the not-yet-visited ones count as left).
    if (nonActive.length - deleted <= min) return {};
    const at = staleAt(cfg, rev);
    if (at <= now) {
      rt.remove('revisions', ns, rev.metadata.name);
      deleted++;
    } else {
      kept.push(rev);
      next = Math.min(next, at);
    }
  }
  if (max !== 'disabled' && kept.length > max) {
    // Past the cap the oldest non-active revisions go even when they are not stale.
    const excess = kept.slice(0, kept.length - max);
    for (const rev of excess) rt.remove('revisions', ns, rev.metadata.name);
    next = Math.min(Infinity, ...kept.slice(excess.length).map((r) => staleAt(cfg, r)));
  }
  return Number.isFinite(next) ? { requeueAfterMs: Math.min(MAX_RECHECK_MS, Math.max(0, next - now)) } : {};
}
