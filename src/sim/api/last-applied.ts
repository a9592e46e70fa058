// The bridge kube-apiserver keeps between client-side and server-side apply, for the manager
// "kubectl" only (apimachinery managedfields lastappliedmanager.go and lastappliedupdater.go):
// its apply may take fields from the client-side apply manager where the last-applied annotation
// still matches the live object, and it keeps that annotation in step with what it applied.
import type { KObject } from './contracts.js';
import { deepEqual, isObj, leafPaths, valueAt } from './patch.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** The only manager the bridge works for; any other name opts out, as upstream. */
export const KUBECTL_APPLY_MANAGER = 'kubectl';

/**
 * Leaves of the last-applied annotation whose value the live object still has (as path keys, see
 * `pathKey`), or undefined when there is no usable annotation (absent, not JSON, other apiVersion).
 * `live` is keyed (merged lists as objects of items); `keyed` does the same to the annotation.
 */
export function lastAppliedLeaves(
  live: KObject,
  apiVersion: string,
  keyed: (config: unknown) => unknown,
): Set<string> | undefined {
  const text = live.metadata.annotations?.[LAST_APPLIED];
  if (!text) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObj(last) || last.apiVersion !== apiVersion) return undefined;
  last = keyed(last);
  const kept = leafPaths(last).filter((p) => deepEqual(valueAt(last, p), valueAt(live, p)));
  return new Set(kept.map(pathKey));
}

export const pathKey = (p: string[]): string => JSON.stringify(p);

/** After kubectl's server-side apply: an object that has the annotation gets the applied config in it. */
export function syncLastApplied(result: KObject, config: KObject): void {
  const annotations = result.metadata.annotations;
  if (!annotations?.[LAST_APPLIED]) return;
  const copy = structuredClone(config);
  const own = copy.metadata.annotations;
  if (own) {
    delete own[LAST_APPLIED];
    // An emptied map stays, as Go's unstructured encoding keeps it.
  }
  annotations[LAST_APPLIED] = goJSON(copy) + '\n';
}

/** JSON as Go's encoding/json writes a map: keys sorted, <, >, & and U+2028/2029 escaped. */
export function goJSON(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goJSON).join(',')}]`;
  if (isObj(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${goString(k)}:${goJSON(v[k])}`).join(',')}}`;
  }
  if (typeof v === 'string') return goString(v);
  return JSON.stringify(v ?? null);
}

function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
