// Admission for configurations.serving.knative.dev (configuration_defaults.go, configuration_validation.go).

import type { AdmissionHooks, KObject, RequestContext } from '../../api/contracts.js';
import { defaultConfigurationSpec, hasOwnerReferences, setUserInfo, specOf } from './defaults.js';
import { denyIfAny, viaField, type FieldErrors } from './field-error.js';
import {
  validateServiceOwnedLabels,
  validateCreatorAndModifier,
  validateNoAutoscalingAnnotations,
  validateObjectMetadata,
} from './metadata.js';
import { validateRevisionTemplate, verifyNameChange } from './template.js';

/** Configuration defaulting; user annotations only for Configurations nobody owns. */
export function mutateConfiguration(obj: KObject, old: KObject | undefined, ctx: RequestContext): void {
  defaultConfigurationSpec(specOf(obj), old ? (old.spec ?? {}) : undefined);
  if (!hasOwnerReferences(obj)) setUserInfo(obj, old?.spec, old !== undefined, ctx);
}

/** Configuration validation errors (unsorted). */
export function configurationErrors(obj: KObject, old: KObject | undefined): FieldErrors {
  const meta = obj.metadata ?? { name: '' };
  const errs: FieldErrors = viaField(
    [
      ...validateObjectMetadata(meta),
      ...viaField(validateServiceOwnedLabels(meta), 'labels'),
      ...viaField(validateNoAutoscalingAnnotations(meta.annotations), 'annotations'),
    ],
    'metadata',
  );
  errs.push(...viaField(validateRevisionTemplate(obj.spec?.template, meta), 'spec.template'));
  if (old) {
    // A Service's Configuration is written by its controller; only standalone ones are checked.
    if (!hasOwnerReferences(obj)) {
      errs.push(
        ...viaField(
          validateCreatorAndModifier(old.spec, obj.spec, old.metadata?.annotations, meta.annotations),
          'metadata.annotations',
        ),
      );
    }
    errs.push(...viaField(verifyNameChange(obj.spec?.template, old.spec?.template), 'spec.template'));
  }
  return errs;
}

/** The admission hooks of configurations.serving.knative.dev. */
export const configurationAdmission: AdmissionHooks = {
  mutate: mutateConfiguration,
  validate: (obj, old) => denyIfAny(configurationErrors(obj, old)),
};
