// Object metadata rules shared by the four kinds (knative.dev/pkg apis/metadata_validation.go and
// serving's metadata_validation.go). Paths are relative to `metadata` unless said otherwise.

import { KnativeLabels } from '../../../core/knative-types.js';
import { semanticEqual } from './semantic.js';
import { parseGoDuration } from './go-duration.js';
import { goList, nameIsDNS1035Label } from './k8s-names.js';
import { errInvalidKeyName, errInvalidValue, errMissingField, fieldError, type FieldErrors } from './field-error.js';

/** Annotation keys and label keys the webhook looks at. */
export const Keys = {
  rolloutDuration: 'serving.knative.dev/rollout-duration',
  rolloutDurationAlias: 'serving.knative.dev/rolloutDuration',
} as const;

const AUTOSCALING_GROUP = 'autoscaling.knative.dev';

type Meta = {
  name?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ kind: string; name: string }>;
};

/** apis.ValidateObjectMetadata: the first of generateName, name, "name or generateName" that fails. */
export function validateObjectMetadata(meta: Meta): FieldErrors {
  const name = meta.name ?? '';
  const generateName = meta.generateName ?? '';
  if (generateName !== '') {
    const msgs = nameIsDNS1035Label(generateName, true);
    if (msgs.length > 0) return fieldError(`not a DNS 1035 label prefix: ${goList(msgs)}`, 'generateName');
  }
  if (name !== '') {
    const msgs = nameIsDNS1035Label(name, false);
    if (msgs.length > 0) return fieldError(`not a DNS 1035 label: ${goList(msgs)}`, 'name');
  }
  if (name === '' && generateName === '') return fieldError('name or generateName is required', 'name');
  return [];
}

/** ValidateHasNoAutoscalingAnnotation (Service, Configuration); paths relative to `annotations`. */
export function validateNoAutoscalingAnnotations(annotations: Record<string, string> | undefined): FieldErrors {
  return Object.keys(annotations ?? {})
    .filter((k) => k.startsWith(AUTOSCALING_GROUP))
    .flatMap((k) =>
      errInvalidKeyName(
        k,
        '',
        'autoscaling annotations must be put under "spec.template.metadata.annotations" to work',
      ),
    );
}

/** ValidateRolloutDurationAnnotation (Service, Route); paths relative to `annotations`. */
export function validateRolloutDuration(annotations: Record<string, string> | undefined): FieldErrors {
  // kmap.KeyPriority: the canonical key wins over the alias; an empty value is ignored.
  const key = [Keys.rolloutDuration, Keys.rolloutDurationAlias].find((k) => annotations?.[k] !== undefined);
  const value = key ? (annotations?.[key] ?? '') : '';
  if (!key || value === '') return [];
  const ns = parseGoDuration(value);
  if (ns === undefined) return errInvalidValue(value, key);
  if (ns % 1_000_000_000n !== 0n) return fieldError(`rollout-duration=${value} is not at second precision`, key);
  if (ns < 0n) return fieldError(`rollout-duration=${value} must be positive`, key);
  return [];
}

/** ValidateCreatorAndModifier; paths relative to `metadata.annotations`. */
export function validateCreatorAndModifier(
  oldSpec: unknown,
  newSpec: unknown,
  oldAnn: Record<string, string> | undefined,
  newAnn: Record<string, string> | undefined,
): FieldErrors {
  const errs: FieldErrors = [];
  const creator = KnativeLabels.creator;
  const modifier = KnativeLabels.lastModifier;
  if ((oldAnn?.[creator] ?? '') !== (newAnn?.[creator] ?? ''))
    errs.push(...fieldError('annotation value is immutable', creator));
  if (semanticEqual(oldSpec, newSpec) && (oldAnn?.[modifier] ?? '') !== (newAnn?.[modifier] ?? '')) {
    errs.push(...errInvalidValue(newAnn?.[modifier] ?? '', modifier));
  }
  return errs;
}

// verifyLabelOwnerRef: a parent label is only allowed when an ownerReference of that kind has that name.
function ownerLabel(meta: Meta, key: string, value: string, kind: string): FieldErrors {
  return (meta.ownerReferences ?? []).some((r) => r.kind === kind && r.name === value) ? [] : errMissingField(key);
}

// Upstream dropped its other label rules in 2021 (any serving.knative.dev/* label and any
// visibility value are accepted); only the parent labels are checked against ownerReferences.

/** Labels of a Route or a Configuration; paths relative to `labels`. */
export function validateServiceOwnedLabels(meta: Meta): FieldErrors {
  const v = meta.labels?.[KnativeLabels.service];
  return v === undefined ? [] : ownerLabel(meta, KnativeLabels.service, v, 'Service');
}

/** Labels of a Revision; paths relative to `labels`. */
export function validateRevisionLabels(meta: Meta): FieldErrors {
  const v = meta.labels?.[KnativeLabels.configuration];
  return v === undefined ? [] : ownerLabel(meta, KnativeLabels.configuration, v, 'Configuration');
}

/** validateProgressDeadlineAnnotation (templates); paths relative to `annotations`. */
export function validateProgressDeadline(annotations: Record<string, string> | undefined): FieldErrors {
  const key = 'serving.knative.dev/progress-deadline';
  const value = annotations?.[key] ?? '';
  if (value === '') return [];
  const ns = parseGoDuration(value);
  if (ns === undefined) return errInvalidValue(value, key);
  if (ns % 1_000_000_000n !== 0n) return fieldError(`progress-deadline=${value} is not at second precision`, key);
  if (ns < 0n) return fieldError(`progress-deadline=${value} must be positive`, key);
  return [];
}
