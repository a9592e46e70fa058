// The RolloutHistory document of `history`.
import { document } from '../document.js';
import type { KnativeService } from '../knative-types.js';
import { readState } from '../state.js';

/** `bgctl history`: the current rollout first, then past ones, newest first. */
export function historyView(svc: KnativeService) {
  const read = readState(svc);
  const seen = new Set<string>();
  const items = [...(read.state ? [read.state] : []), ...read.history].filter((s) =>
    seen.has(s.id) ? false : (seen.add(s.id), true),
  );
  const errors = [read.error?.message, read.historyError].filter((e): e is string => !!e);
  return document('RolloutHistory', {
    service: svc.metadata.name,
    namespace: svc.metadata.namespace,
    items: items.map((s) => ({
      id: s.id,
      phase: s.phase,
      stable: { revisionName: s.stable.revision, tag: s.stable.tag },
      candidate: { revisionName: s.candidate.revision, tag: s.candidate.tag },
      image: s.image,
      startedBy: s.startedBy,
      startedAt: s.startedAt,
      updatedBy: s.updatedBy,
      updatedAt: s.updatedAt,
      reason: s.reason,
      ...(s.gates && { gates: s.gates }),
    })),
    errors,
  });
}
