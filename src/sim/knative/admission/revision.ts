// Admission for revisions.serving.knative.dev (revision_defaults.go, revision_validation.go).

import type { AdmissionHooks, KObject } from '../../api/contracts.js';
import { defaultRevisionSpec, specOf } from './defaults.js';
import { denyIfAny, viaField, type FieldErrors } from './field-error.js';
import { validateAutoscalingAnnotations } from './autoscaling.js';
import { validateObjectMetadata, validateRevisionLabels } from './metadata.js';
import { validateRevisionSpec, verifyRevisionSpecUnchanged } from './template.js';

/** Revision defaulting, on create only: defaulting an immutable spec on update could change it (serving#8128). */
export function mutateRevision(obj: KObject, old: KObject | undefined): void {
  if (old) return;
  defaultRevisionSpec(specOf(obj), true);
}

/** Revision validation errors (unsorted). */
export function revisionErrors(obj: KObject, old: KObject | undefined): FieldErrors {
  const meta = obj.metadata ?? { name: '' };
  const errs: FieldErrors = viaField(
    [
      ...validateObjectMetadata(meta),
      ...viaField(validateAutoscalingAnnotations(meta.annotations), 'annotations'),
      ...viaField(validateRevisionLabels(meta), 'labels'),
    ],
    'metadata',
  );
  if (old) {
    // Upstream returns the immutability error alone, dropping the metadata errors.
    const immutable = verifyRevisionSpecUnchanged(obj.spec, old.spec);
    return immutable.length > 0 ? immutable : errs;
  }
  errs.push(...viaField(validateRevisionSpec(obj.spec), 'spec'));
  return errs;
}

/** The admission hooks of revisions.serving.knative.dev. */
export const revisionAdmission: AdmissionHooks = {
  mutate: mutateRevision,
  validate: (obj, old) => denyIfAny(revisionErrors(obj, old)),
};
