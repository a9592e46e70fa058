// The Prometheus URL as a flag or variable gives it, checked. Apart from the client so that parsing flags (on
// every start) does not load node:http and node:https.
import { UsageError } from '../core/errors.js';
import { quoteInput } from '../core/quote.js';

/**
 * A rejected URL as an error may quote it: everything up to its last `@` is cut, so a user:password survives no
 * malformed shape (`bob:pw@h`, `//bob:pw@h`, `http//bob:pw@h`), and so is everything from a `?` or `#` (a
 * `?token=…` is a common way to pass a credential, and the reason such a URL is refused).
 */
export function rejectedUrl(raw: string): string {
  const at = raw.lastIndexOf('@');
  const rest = at < 0 ? raw : `<redacted>@${raw.slice(at + 1)}`;
  const query = rest.search(/[?#]/);
  return quoteInput(query < 0 ? rest : `${rest.slice(0, query + 1)}<redacted>`);
}

/** The URL as given, checked: http(s) only, no query or fragment. A bad one is a usage error. */
export function parsePrometheusUrl(raw: string, where = '--prometheus'): URL {
  let u: URL | undefined;
  try {
    u = new URL(raw);
  } catch {
    u = undefined;
  }
  if (u === undefined) {
    throw new UsageError(`invalid ${where} ${rejectedUrl(raw)}: not a URL`, {
      reason: 'InvalidPrometheusURL',
      hint: 'e.g. http://prometheus.monitoring:9090',
    });
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.search || u.hash) {
    throw new UsageError(`invalid ${where} ${rejectedUrl(raw)}: expected http(s)://HOST[:PORT][/PATH]`, {
      reason: 'InvalidPrometheusURL',
      hint: 'e.g. http://prometheus.monitoring:9090 (no query string)',
    });
  }
  try {
    decodeURIComponent(u.username);
    decodeURIComponent(u.password);
  } catch {
    throw new UsageError(`invalid ${where} ${rejectedUrl(raw)}: its user:password is not valid %-encoding`, {
      reason: 'InvalidPrometheusURL',
      hint: 'write a literal % in a password as %25',
    });
  }
  return u;
}
