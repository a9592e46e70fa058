// Admission for services.serving.knative.dev (service_defaults.go, service_validation.go).

import type { AdmissionHooks, KObject, RequestContext } from '../../api/contracts.js';
import { defaultConfigurationSpec, defaultTraffic, setUserInfo, specOf } from './defaults.js';
import { denyIfAny, viaField, type FieldErrors } from './field-error.js';
import {
  validateCreatorAndModifier,
  validateNoAutoscalingAnnotations,
  validateObjectMetadata,
  validateRolloutDuration,
} from './metadata.js';
import { validateRevisionTemplate, verifyNameChange } from './template.js';
import { validateTraffic } from './traffic.js';

/** Service defaulting: template (unless the BYO name is unchanged), traffic, creator/lastModifier. */
export function mutateService(obj: KObject, old: KObject | undefined, ctx: RequestContext): void {
  const spec = specOf(obj);
  defaultConfigurationSpec(spec, old ? (old.spec ?? {}) : undefined);
  // Inside a Service the traffic has a default configuration (the Service's own).
  defaultTraffic(spec, true);
  setUserInfo(obj, old?.spec, old !== undefined, ctx);
}

/** Service validation as the validating webhook reports it (all errors, unsorted). */
export function serviceErrors(obj: KObject, old: KObject | undefined): FieldErrors {
  const meta = obj.metadata ?? { name: '' };
  const errs: FieldErrors = viaField(
    [
      ...validateObjectMetadata(meta),
      ...viaField(validateNoAutoscalingAnnotations(meta.annotations), 'annotations'),
      ...viaField(validateRolloutDuration(meta.annotations), 'annotations'),
    ],
    'metadata',
  );
  errs.push(
    ...viaField(
      [
        ...viaField(validateRevisionTemplate(obj.spec?.template, meta), 'template'),
        ...validateTraffic(obj.spec?.traffic, true),
      ],
      'spec',
    ),
  );
  if (old) {
    errs.push(
      ...viaField(
        validateCreatorAndModifier(old.spec, obj.spec, old.metadata?.annotations, meta.annotations),
        'metadata.annotations',
      ),
    );
    errs.push(...viaField(verifyNameChange(obj.spec?.template, old.spec?.template), 'spec.template'));
  }
  return errs;
}

/** The admission hooks of services.serving.knative.dev. */
export const serviceAdmission: AdmissionHooks = {
  mutate: mutateService,
  validate: (obj, old) => denyIfAny(serviceErrors(obj, old)),
};
