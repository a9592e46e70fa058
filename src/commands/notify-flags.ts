// --notify URL (repeatable; else BGCTL_NOTIFY_URL) and --notify-format: shared by rollout and the step verbs that
// move a rollout (docs/notifications.md). Checked before any request; a bad URL is exit 2 with nothing written.
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { parseNotifyUrl } from '../notify/url.js';
import type { NotifyFormat } from '../notify/notifier.js';
import { collect } from './options-common.js';
import type { Env, FlagValues } from './verb.js';
import { quoteInput } from '../core/quote.js';

/** --notify URLs (also BGCTL_NOTIFY_URL) and their format, as parsed. */
export interface NotifySettings {
  urls: string[];
  format: NotifyFormat;
}

export function addNotifyFlags(cmd: Command): void {
  cmd
    .option(
      '--notify <url>',
      'POST an event to this URL on every phase change (also BGCTL_NOTIFY_URL); repeatable',
      collect,
    )
    .option('--notify-format <format>', 'json (the default) or slack (an incoming-webhook message)');
}

/** --notify URLs, else BGCTL_NOTIFY_URL (several separated by spaces), and --notify-format. */
export function parseNotifyFlags(flags: FlagValues, env: Env): NotifySettings | undefined {
  const flagUrls = flags.list('notify');
  const format = flags.string('notifyFormat');
  const fromEnv = flagUrls.length === 0 && env.BGCTL_NOTIFY_URL?.trim();
  // Whitespace only: a comma is legal inside a URL (a query string), so it cannot separate them.
  const urls = fromEnv ? fromEnv.split(/\s+/).filter(Boolean) : flagUrls;
  for (const u of urls) parseNotifyUrl(u, fromEnv ? 'BGCTL_NOTIFY_URL' : '--notify');
  if (format !== undefined && format !== 'json' && format !== 'slack')
    throw new UsageError(`invalid --notify-format ${quoteInput(format)}: use json or slack`, {
      reason: 'InvalidChoice',
    });
  if (urls.length === 0) {
    if (format !== undefined) throw new UsageError('--notify-format needs --notify URL', { reason: 'MissingFlag' });
    return undefined;
  }
  return { urls, format: format ?? 'json' };
}
