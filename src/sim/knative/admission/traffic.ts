// spec.traffic rules T1–T9 (route_validation.go), checked after defaulting. Paths are relative to
// the RouteSpec, i.e. they start with `traffic`.

import { goList, isDNS1035Label, isQualifiedName } from './k8s-names.js';
import {
  errDisallowedFields,
  errInvalidKeyName,
  errInvalidValue,
  errMissingOneOf,
  errMultipleOneOf,
  errOutOfBounds,
  fieldError,
  goQuote,
  viaField,
  viaFieldIndex,
  viaIndex,
  type FieldErrors,
} from './field-error.js';

type Target = Record<string, any>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * TrafficTarget.Validate in a spec. `hasDefaultConfigurationName` is true inside a Service, where
 * configurationName is forbidden and an entry may name nothing (it then follows the Service's config).
 */
export function validateTrafficTarget(tt: Target, hasDefaultConfigurationName: boolean): FieldErrors {
  const errs: FieldErrors = [];
  const revisionName = str(tt.revisionName);
  const configurationName = str(tt.configurationName);
  if (typeof tt.latestRevision === 'boolean' && (revisionName !== '') === tt.latestRevision) {
    errs.push(
      ...fieldError(
        `may not set revisionName ${goQuote(revisionName)} when latestRevision is ${tt.latestRevision}`,
        'latestRevision',
      ),
    );
  }
  if (hasDefaultConfigurationName && configurationName !== '') {
    errs.push(...errDisallowedFields('configurationName'));
  } else if (revisionName !== '' && configurationName !== '') {
    errs.push(...errMultipleOneOf('revisionName', 'configurationName'));
  } else if (revisionName !== '') {
    const msgs = isQualifiedName(revisionName, 'webhook');
    if (msgs.length > 0) errs.push(...errInvalidKeyName(revisionName, 'revisionName', ...msgs));
  } else if (configurationName !== '') {
    const msgs = isQualifiedName(configurationName, 'webhook');
    if (msgs.length > 0) errs.push(...errInvalidKeyName(configurationName, 'configurationName', ...msgs));
  } else if (!hasDefaultConfigurationName) {
    errs.push(...errMissingOneOf('revisionName', 'configurationName'));
  }
  if (typeof tt.percent === 'number' && (tt.percent < 0 || tt.percent > 100))
    errs.push(...errOutOfBounds(tt.percent, 0, 100, 'percent'));
  if (str(tt.url) !== '') {
    errs.push(...errDisallowedFields('url'));
    // A second, identical error for "url without a tag"; rendering merges the two.
    if (str(tt.tag) === '') errs.push(...errDisallowedFields('url'));
  }
  return errs;
}

/** validateTrafficList plus the `traffic` prefix: entries, tags, duplicate tags and the sum. */
export function validateTraffic(traffic: unknown, hasDefaultConfigurationName: boolean): FieldErrors {
  const list: unknown[] = Array.isArray(traffic) ? traffic : [];
  const errs: FieldErrors = [];
  const firstByTag = new Map<string, number>();
  let sum = 0;
  list.forEach((raw, i) => {
    const tt: Target = typeof raw === 'object' && raw !== null ? (raw as Target) : {};
    errs.push(...viaIndex(validateTrafficTarget(tt, hasDefaultConfigurationName), i));
    if (typeof tt.percent === 'number') sum += tt.percent;
    const tag = str(tt.tag);
    if (tag === '') return;
    const msgs = isDNS1035Label(tag);
    // ErrInvalidArrayValue(..., "tag", i): the index lands after "tag", hence spec.traffic.tag[i].
    if (msgs.length > 0)
      errs.push(...viaFieldIndex(errInvalidValue(`not a DNS 1035 label: ${goList(msgs)}`, ''), 'tag', i));
    const first = firstByTag.get(tag);
    if (first !== undefined)
      errs.push(...fieldError(`Multiple definitions for ${goQuote(tag)}`, [`[${i}].tag`, `[${first}].tag`]));
    else firstByTag.set(tag, i);
  });
  if (sum !== 100) errs.push(...fieldError(`Traffic targets sum to ${sum}, want 100`, ''));
  return viaField(errs, 'traffic');
}
