// Delivers rollout events to --notify URLs without ever holding the rollout up: each POST runs in the background
// with a timeout and two retries; a failure is one warning on stderr. At the end of the run, flush() waits for the
// deliveries still under way, bounded.
import { slackMessage, type RolloutEvent } from '../core/notify-event.js';
import type { IOStreams } from '../ui/iostreams.js';
import { printable } from '../ui/sanitize.js';
import { shownNotifyUrl } from './url.js';

export type NotifyFormat = 'json' | 'slack';

export interface NotifierOptions {
  urls: readonly string[];
  format: NotifyFormat;
  io: IOStreams;
  userAgent: string;
  timeoutMs?: number;
  /** Tries after the first. */
  retries?: number;
  backoffMs?: number;
}

const DEFAULTS = { timeoutMs: 5000, retries: 2, backoffMs: 500 };

export class Notifier {
  /** Deliveries under way, with their URL. */
  private readonly pending = new Map<Promise<void>, string>();
  private readonly tails = new Map<string, Promise<void>>();
  /** Failed deliveries per URL: the first is a warning, the rest are counted once at flush. */
  private readonly failures = new Map<string, number>();
  private readonly opts: Required<NotifierOptions>;

  constructor(opts: NotifierOptions) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  /** Starts delivering `event` to every URL; returns at once. */
  send(event: RolloutEvent): void {
    const body = JSON.stringify(this.opts.format === 'slack' ? slackMessage(event) : event);
    for (const url of this.opts.urls) {
      // One URL's events leave in order: each waits for the one before it.
      const delivery = (this.tails.get(url) ?? Promise.resolve())
        .then(() => this.deliver(url, body, event.event))
        .finally(() => this.pending.delete(delivery));
      this.tails.set(url, delivery);
      this.pending.set(delivery, url);
    }
  }

  /** Waits for the deliveries under way, at most `maxMs`; what is still running then is abandoned. */
  async flush(maxMs = 15_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, maxMs);
    });
    await Promise.race([Promise.allSettled([...this.pending.keys()]), deadline]);
    clearTimeout(timer);
    for (const url of new Set(this.pending.values())) {
      this.warn(`notifications to ${shownNotifyUrl(url)} still under way after ${maxMs / 1000}s were abandoned`);
    }
    for (const [url, n] of this.failures) {
      if (n > 1) this.warn(`${n - 1} more notification${n > 2 ? 's' : ''} to ${shownNotifyUrl(url)} failed`);
    }
    this.failures.clear();
  }

  private warn(line: string): void {
    this.opts.io.err.write(this.opts.io.colors().warn(`Warning: ${line}`) + '\n');
  }

  private async deliver(url: string, body: string, what: string): Promise<void> {
    let last = '';
    for (let attempt = 0; attempt <= this.opts.retries; attempt++) {
      if (attempt > 0) await sleep(this.opts.backoffMs * 2 ** (attempt - 1));
      try {
        const { target, authorization } = splitCredentials(url);
        const res = await fetch(target, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': this.opts.userAgent,
            ...(authorization && { Authorization: authorization }),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
        await res.body?.cancel();
        if (res.status >= 200 && res.status < 300) return;
        last = `HTTP ${res.status}`;
      } catch (err) {
        last = describe(err);
      }
    }
    const failed = (this.failures.get(url) ?? 0) + 1;
    this.failures.set(url, failed);
    if (failed === 1) {
      this.warn(
        `notification "${what}" to ${shownNotifyUrl(url)} failed after ${this.opts.retries + 1} tries ` +
          `(${printable(last)}); the rollout goes on`,
      );
    }
  }
}

/** fetch refuses a URL with user:password: they go in a Basic Authorization header instead. */
function splitCredentials(url: string): { target: string; authorization?: string } {
  const u = new URL(url);
  if (!u.username && !u.password) return { target: url };
  const basic = Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`);
  u.username = '';
  u.password = '';
  return { target: u.toString(), authorization: `Basic ${basic.toString('base64')}` };
}

/** An error without its URL (fetch's messages may carry it): the name, or the system error code. */
function describe(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.name ?? 'error';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
