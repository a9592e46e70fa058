// Flag texts and parsers more than one verb's options.ts uses.
import { validateRevisionName, validateTag } from '../core/names.js';

export const SERVICE_ARG = {
  name: '[service]',
  description: 'the Knative Service (on a terminal, picked from a list when omitted)',
};

/** commander's argument parser for a repeatable flag (--env, --annotation, --traffic). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** An optional tag flag, checked as a Knative tag (DNS label). */
export function optionalTag(raw: string | undefined): string | undefined {
  return raw === undefined ? undefined : validateTag(raw);
}

export function optionalRevision(raw: string | undefined): string | undefined {
  return raw === undefined ? undefined : validateRevisionName(raw);
}
