// upstream IsReady/IsFailed: a generation counts only once observed.
import type { KObject } from '../api/contracts.js';

/** The Ready condition of an object, if any. */
export function readyOf(obj: KObject): { status: string; reason?: string; message?: string } | undefined {
  return (obj.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');
}

/** v1 Revision.IsReady: the current generation observed and Ready True. */
export function isReady(obj: KObject): boolean {
  return (obj.status?.observedGeneration ?? 0) === (obj.metadata.generation ?? 0) && readyOf(obj)?.status === 'True';
}

/** v1 Revision.IsFailed: the current generation observed and Ready False. */
export function isFailed(obj: KObject): boolean {
  return (obj.status?.observedGeneration ?? 0) === (obj.metadata.generation ?? 0) && readyOf(obj)?.status === 'False';
}
