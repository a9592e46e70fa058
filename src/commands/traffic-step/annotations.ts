// `--annotation KEY=VALUE|KEY-` of deploy: revision template annotations (autoscaling.knative.dev/*,
// the playground's sim.bgctl.dev/* knobs). Keys follow the Kubernetes qualified-name rule.
import { UsageError } from '../../core/errors.js';
import { quoteInput } from '../../core/quote.js';

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Kubernetes annotation key: optional DNS-subdomain prefix and "/", then a name of at most 63 characters. */
export function validateAnnotationKey(key: string, flag = '--annotation'): string {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const okName = name.length > 0 && name.length <= 63 && NAME.test(name);
  const okPrefix = prefix === undefined || (prefix.length > 0 && prefix.length <= 253 && SUBDOMAIN.test(prefix));
  if (!okName || !okPrefix) {
    throw new UsageError(
      `invalid ${flag} key ${quoteInput(key)}: must be a name of at most 63 alphanumerics, '-', '_' or '.' ` +
        "(starting and ending alphanumeric), optionally after a DNS subdomain and '/', " +
        'e.g. autoscaling.knative.dev/min-scale',
      {
        reason: 'InvalidAnnotation',
      },
    );
  }
  return key;
}

/** `KEY=VALUE` sets, `KEY-` removes (null); a key given twice is refused rather than last-wins. */
export function parseAnnotations(raws: string[], flag = '--annotation'): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const raw of raws) {
    const eq = raw.indexOf('=');
    let key: string;
    let value: string | null;
    if (eq >= 0) {
      key = raw.slice(0, eq);
      value = raw.slice(eq + 1);
    } else if (raw.endsWith('-') && raw.length > 1) {
      key = raw.slice(0, -1);
      value = null;
    } else {
      throw new UsageError(`invalid ${flag} ${quoteInput(raw)}: expected KEY=VALUE, or KEY- to remove`, {
        reason: 'InvalidAnnotation',
      });
    }
    validateAnnotationKey(key, flag);
    if (key in out)
      throw new UsageError(`${flag} names ${quoteInput(key)} more than once`, { reason: 'InvalidAnnotation' });
    out[key] = value;
  }
  return out;
}
