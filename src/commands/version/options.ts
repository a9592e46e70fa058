// bgctl version
import { defineVerb } from '../verb.js';

export type VersionOptions = Record<string, never>;

export const versionVerb = defineVerb<VersionOptions>({
  name: 'version',
  summary: 'print the version (with -o json|yaml: a Version document)',
  description:
    'Prints the version of bgctl. ' +
    'With -o json|yaml: a Version document that also names the Node.js version and the platform.',
  examples: ['bgctl version', 'bgctl version -o json'],
  parse: () => ({}),
  load: () => import('./run.js'),
});
