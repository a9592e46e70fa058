// `bgctl status SERVICE --watch`: the live view (commands/live-view) until Ctrl-C, which ends it with exit 0.
// Table output is redrawn in place on a terminal and printed once per change in a pipe (ui/live-region.ts);
// -o json prints one LiveStatus document per line per change (newline-delimited JSON), -o yaml one document
// per change after `---`.
import { liveStatusDocument } from '../../core/views/live-view.js';
import { writeStreamDocument } from '../../ui/document.js';
import { LiveRegion } from '../../ui/live-region.js';
import { renderLiveView } from '../../ui/live-view.js';
import { printable } from '../../ui/sanitize.js';
import type { CommandContext } from '../context.js';
import { HISTORY_SIZE, followLiveView } from '../live-view/sampler.js';
import type { StatusWatchOptions } from './options.js';

/** Shows `service` live until ctx.signal aborts (then returns: exit 0). */
export async function watchStatus(service: string, watch: StatusWatchOptions, ctx: CommandContext): Promise<void> {
  const { io, globals } = ctx;
  const client = await ctx.kube();
  // A plain read first: a missing service gets the usual error (with its suggestions) before any view.
  await client.getService(service);
  const tty = io.isStdoutTTY();
  const region = new LiveRegion(io.out, tty, () => io.terminalHeight());
  let lastDoc: string | undefined;
  await followLiveView(client, {
    service,
    signal: ctx.signal,
    intervalMs: watch.intervalMs,
    prometheus: watch.prometheus
      ? {
          url: watch.prometheus,
          token: watch.token,
          trace: globals.verbose ? (line) => io.err.write(io.colors().muted(printable(line)) + '\n') : undefined,
        }
      : undefined,
    onView: (view) => {
      if (globals.output === 'table') {
        const unicode = io.unicodeEnabled();
        region.show(
          renderLiveView(view, {
            colors: io.colors().enabled ? io.colors() : undefined,
            unicode,
            // The width is read on every redraw: a resized terminal gets lines that fit it.
            maxWidth: tty ? io.terminalWidth() : undefined,
            sparklineWidth: unicode ? HISTORY_SIZE : 0,
          }),
        );
        return;
      }
      const doc = liveStatusDocument(view);
      const key = JSON.stringify(doc);
      if (key === lastDoc) return;
      lastDoc = key;
      const stamped = { ...doc, observedAt: ctx.now().toISOString() };
      writeStreamDocument(io, globals.output, stamped);
    },
  });
}
