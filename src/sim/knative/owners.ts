// Owner references, as kmeta.NewControllerRef and metav1.IsControlledBy.
import type { KObject } from '../api/contracts.js';
import { API_VERSION } from './constants.js';

/** The controller reference a child carries to `owner`. */
export function controllerRef(owner: KObject): NonNullable<KObject['metadata']['ownerReferences']>[number] {
  return {
    apiVersion: API_VERSION,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The controlling owner reference, if any. */
export function controllerOf(obj: KObject): NonNullable<KObject['metadata']['ownerReferences']>[number] | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller);
}

/** Whether `owner` is the controller of `obj` (by uid). */
export function isControlledBy(obj: KObject, owner: KObject): boolean {
  return controllerOf(obj)?.uid === owner.metadata.uid;
}
