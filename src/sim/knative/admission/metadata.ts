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
  visibility: 'networking.knative.dev/visibility',
  route: 'serving.knative.dev/route',
  configurationUID: 'serving.knative.dev/configurationUID',
  serviceUID: 'serving.knative.dev/serviceUID',
} as const;

const SERVING_PREFIX = 'serving.knative.dev/';
const AUTOSCALING_GROUP = 'autoscaling.knative.dev';

type Meta = { name?: string; generateName?: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string }> };

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
    .flatMap((k) => errInvalidKeyName(k, '', 'autoscaling annotations must be put under "spec.template.metadata.annotations" to work'));
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
  if ((oldAnn?.[creator] ?? '') !== (newAnn?.[creator] ?? '')) errs.push(...fieldError('annotation value is immutable', creator));
  if (semanticEqual(oldSpec, newSpec) && (oldAnn?.[modifier] ?? '') !== (newAnn?.[modifier] ?? '')) {
    errs.push(...errInvalidValue(newAnn?.[modifier] ?? '', modifier));
  }
  return errs;
}

function visibilityLabel(value: string): FieldErrors {
  return value === 'cluster-local' ? [] : errInvalidValue(value, Keys.visibility);
}

// verifyLabelOwnerRef: a parent label is only allowed when an ownerReference of that kind has that name.
function ownerLabel(meta: Meta, key: string, value: string, kind: string): FieldErrors {
  return (meta.ownerReferences ?? []).some((r) => r.kind === kind && r.name === value) ? [] : errMissingField(key);
}

/** Labels of a Service; paths relative to `labels`. */
export function validateServiceLabels(meta: Meta): FieldErrors {
  return Object.entries(meta.labels ?? {}).flatMap(([k, v]) => {
    if (k === Keys.visibility) return visibilityLabel(v);
    return k.startsWith(SERVING_PREFIX) ? errInvalidKeyName(k, '') : [];
  });
}

/** Labels of a Route; paths relative to `labels`. */
export function validateRouteLabels(meta: Meta): FieldErrors {
  return Object.entries(meta.labels ?? {}).flatMap(([k, v]) => {
    if (k === Keys.visibility) return visibilityLabel(v);
    if (k === KnativeLabels.service) return ownerLabel(meta, k, v, 'Service');
    return k.startsWith(SERVING_PREFIX) ? errInvalidKeyName(k, '') : [];
  });
}

/** Labels of a Configuration; paths relative to `labels`. */
export function validateConfigurationLabels(meta: Meta): FieldErrors {
  return Object.entries(meta.labels ?? {}).flatMap(([k, v]) => {
    if (k === Keys.route || k === Keys.configurationUID || k === Keys.serviceUID) return [];
    if (k === KnativeLabels.service) return ownerLabel(meta, k, v, 'Service');
    return k.startsWith(SERVING_PREFIX) ? errInvalidKeyName(k, '') : [];
  });
}

const REVISION_KNOWN_LABELS = new Set<string>([
  KnativeLabels.routingState,
  Keys.route,
  KnativeLabels.service,
  Keys.configurationUID,
  Keys.serviceUID,
  KnativeLabels.configurationGeneration,
]);

/** Labels of a Revision; paths relative to `labels`. */
export function validateRevisionLabels(meta: Meta): FieldErrors {
  return Object.entries(meta.labels ?? {}).flatMap(([k, v]) => {
    if (REVISION_KNOWN_LABELS.has(k)) return [];
    if (k === KnativeLabels.configuration) return ownerLabel(meta, k, v, 'Configuration');
    return k.startsWith(SERVING_PREFIX) ? errInvalidKeyName(k, '') : [];
  });
}
