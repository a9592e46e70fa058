// The playground's Knative admission webhooks, by resource plural. Reduced from upstream on purpose
// (docs/playground.md): stock config maps and feature flags; "-old +new" diffs approximate go-cmp's
// (semantic.ts).

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
