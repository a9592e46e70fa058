// The Knative admission webhooks of the playground, keyed by resource plural. The registry runs
// mutate -> schema -> validate on create and update (patches too), never on /status.
//
// Deliberately reduced from upstream (documented in docs/playground.md, not accidental): stock
// config maps and feature flags only; queue-sidecar and networking template annotations are not
// checked; the "-old +new" diffs approximate go-cmp's output (see semantic.ts).

import type { AdmissionHooks } from '../../api/contracts.js';
import { configurationAdmission } from './configuration.js';
import { revisionAdmission } from './revision.js';
import { routeAdmission } from './route.js';
import { serviceAdmission } from './service.js';

/** Hooks for `registry.setAdmission(def, knativeAdmission[def.plural])`. */
export const knativeAdmission: Record<'services' | 'configurations' | 'revisions' | 'routes', AdmissionHooks> = {
  services: serviceAdmission,
  configurations: configurationAdmission,
  revisions: revisionAdmission,
  routes: routeAdmission,
};

export {
  renderFieldErrors,
  webhookDenied,
  VALIDATION_WEBHOOK,
  type FieldError,
  type FieldErrors,
} from './field-error.js';
export { defaultRevisionSpec, defaultTraffic, defaultTrafficTarget } from './defaults.js';
