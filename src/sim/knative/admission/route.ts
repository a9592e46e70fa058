// Admission for routes.serving.knative.dev (route_defaults.go, route_validation.go).

import type { AdmissionHooks, KObject, RequestContext } from '../../api/contracts.js';
import { defaultTraffic, hasOwnerReferences, setUserInfo, specOf } from './defaults.js';
import { denyIfAny, viaField, type FieldErrors } from './field-error.js';
import {
  validateCreatorAndModifier,
  validateNoAutoscalingAnnotations,
  validateObjectMetadata,
  validateRolloutDuration,
  validateServiceOwnedLabels,
} from './metadata.js';
import { validateTraffic } from './traffic.js';

/** Route defaulting: per-entry traffic defaults (no default list: a Route has no own configuration). */
export function mutateRoute(obj: KObject, old: KObject | undefined, ctx: RequestContext): void {
  defaultTraffic(specOf(obj), false);
  if (!hasOwnerReferences(obj)) setUserInfo(obj, old?.spec, old !== undefined, ctx);
}

/** Route validation errors (unsorted). */
export function routeErrors(obj: KObject, old: KObject | undefined): FieldErrors {
  const meta = obj.metadata ?? { name: '' };
  const errs: FieldErrors = viaField(
    [
      ...validateObjectMetadata(meta),
      ...viaField(validateNoAutoscalingAnnotations(meta.annotations), 'annotations'),
      ...viaField(validateServiceOwnedLabels(meta), 'labels'),
      ...viaField(validateRolloutDuration(meta.annotations), 'annotations'),
    ],
    'metadata',
  );
  errs.push(...viaField(validateTraffic(obj.spec?.traffic, false), 'spec'));
  if (old && !hasOwnerReferences(obj)) {
    errs.push(
      ...viaField(
        validateCreatorAndModifier(old.spec, obj.spec, old.metadata?.annotations, meta.annotations),
        'metadata.annotations',
      ),
    );
  }
  return errs;
}

/** The admission hooks of routes.serving.knative.dev. */
export const routeAdmission: AdmissionHooks = {
  mutate: mutateRoute,
  validate: (obj, old) => denyIfAny(routeErrors(obj, old)),
};
