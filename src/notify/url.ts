// --notify URLs: checked when flags are parsed, and shown only as scheme and host (a Slack webhook's secret is its
// path; basic-auth credentials sit in the userinfo).
import { UsageError } from '../core/errors.js';
import { hasControlChars } from '../core/quote.js';

/** The URL, checked: http or https, no control characters or spaces. */
export function parseNotifyUrl(raw: string, where = '--notify'): URL {
  let u: URL | undefined;
  try {
    u = /\s/.test(raw) || hasControlChars(raw) ? undefined : new URL(raw);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
    throw new UsageError(`invalid ${where} URL ${shownNotifyUrl(raw)}: want http:// or https://`, {
      reason: 'InvalidURL',
      hint: 'e.g. --notify https://hooks.slack.com/services/… --notify-format slack',
    });
  }
  return u;
}

/** What bgctl prints of a notify URL: scheme and host, the rest elided. */
export function shownNotifyUrl(raw: string): string {
  try {
    const u = new URL(raw);
    const rest = u.pathname !== '/' || u.search || u.username || u.password ? '/…' : '';
    return `${u.protocol}//${u.host}${rest}`;
  } catch {
    return '(unparsable URL, not shown)';
  }
}
