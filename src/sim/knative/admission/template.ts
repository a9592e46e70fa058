// Revision template rules (revision_validation.go): the revision spec, BYO template names and the
// "no template change without a rename" rule. Paths are relative to the template (or RevisionSpec).

import { validateAutoscalingAnnotations } from './autoscaling.js';
import { goList, nameIsDNS1035Label } from './k8s-names.js';
import { validateProgressDeadline } from './metadata.js';
import { validatePodSpec } from './pod-spec.js';
import { validateNetworkingAnnotations, validateQueueSidecarAnnotations } from './queue-sidecar.js';
import { shortDiff } from './semantic.js';
import {
  errDisallowedFields,
  errInvalidValue,
  errOutOfBounds,
  fieldError,
  goQuote,
  viaField,
  type FieldErrors,
} from './field-error.js';

/** config-defaults `max-revision-timeout-seconds`. */
export const MAX_REVISION_TIMEOUT_SECONDS = 600;
/** config-defaults `container-concurrency-max-limit` (zero is allowed by default). */
export const CONTAINER_CONCURRENCY_MAX = 1000;

type Obj = Record<string, any>;

/** RevisionSpec.Validate: the pod spec, timeoutSeconds within 0..600, containerConcurrency within 0..1000. */
export function validateRevisionSpec(spec: Obj | undefined): FieldErrors {
  const errs: FieldErrors = validatePodSpec(spec ?? {});
  const timeout = spec?.timeoutSeconds;
  if (typeof timeout === 'number' && timeout !== 0 && (timeout < 0 || timeout > MAX_REVISION_TIMEOUT_SECONDS)) {
    errs.push(...errOutOfBounds(timeout, 0, MAX_REVISION_TIMEOUT_SECONDS, 'timeoutSeconds'));
  }
  const cc = spec?.containerConcurrency;
  if (typeof cc === 'number' && (cc < 0 || cc > CONTAINER_CONCURRENCY_MAX)) {
    errs.push(...viaField(errOutOfBounds(cc, 0, CONTAINER_CONCURRENCY_MAX, ''), 'containerConcurrency'));
  }
  return errs;
}

/** validateRevisionName: the template's name/generateName against the parent (Service or Configuration). */
export function validateRevisionName(
  name: string,
  generateName: string,
  parent: { name?: string; generateName?: string },
): FieldErrors {
  if (generateName !== '') {
    const msgs = nameIsDNS1035Label(generateName, true);
    if (msgs.length > 0)
      return errInvalidValue(`not a DNS 1035 label prefix: ${goList(msgs)}`, 'metadata.generateName');
  }
  if (name === '') return [];
  const msgs = nameIsDNS1035Label(name, false);
  if (msgs.length > 0) return errInvalidValue(`not a DNS 1035 label: ${goList(msgs)}`, 'metadata.name');
  const parentName = parent.name ?? '';
  // A parent created with generateName only has no name to prefix with yet.
  if (parentName === '' && (parent.generateName ?? '') !== '') return errDisallowedFields('metadata.name');
  const prefix = `${parentName}-`;
  if (!name.startsWith(prefix))
    return errInvalidValue(`${goQuote(name)} must have prefix ${goQuote(prefix)}`, 'metadata.name');
  return [];
}

/** RevisionTemplateSpec.Validate: spec rules under `spec`, its annotations, plus the BYO name rules. */
export function validateRevisionTemplate(
  template: Obj | undefined,
  parent: { name?: string; generateName?: string },
): FieldErrors {
  const meta: Obj = template?.metadata ?? {};
  const annotations = typeof meta.annotations === 'object' && meta.annotations !== null ? meta.annotations : {};
  return [
    ...viaField(validateRevisionSpec(template?.spec), 'spec'),
    ...viaField(
      [
        ...validateAutoscalingAnnotations(annotations),
        ...validateNetworkingAnnotations(annotations),
        ...validateQueueSidecarAnnotations(annotations),
        ...validateProgressDeadline(annotations),
      ],
      'metadata.annotations',
    ),
    ...validateRevisionName(
      typeof meta.name === 'string' ? meta.name : '',
      typeof meta.generateName === 'string' ? meta.generateName : '',
      parent,
    ),
  ];
}

/** VerifyNameChange: with an unchanged, non-empty template name, any template change is refused. */
export function verifyNameChange(template: Obj | undefined, oldTemplate: Obj | undefined): FieldErrors {
  const name = template?.metadata?.name ?? '';
  if (name === '' || name !== (oldTemplate?.metadata?.name ?? '')) return [];
  const diff = shortDiff(oldTemplate, template, 'RevisionTemplateSpec');
  return diff === ''
    ? []
    : fieldError('Saw the following changes without a name change (-old +new)', 'metadata.name', diff);
}

/** Revision.Validate on update: the spec of a Revision never changes. Paths are absolute (`spec`). */
export function verifyRevisionSpecUnchanged(spec: unknown, oldSpec: unknown): FieldErrors {
  const diff = shortDiff(oldSpec, spec, 'RevisionSpec');
  return diff === '' ? [] : fieldError('Immutable fields changed (-old +new)', 'spec', diff);
}
