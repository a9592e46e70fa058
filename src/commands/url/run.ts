// `bgctl url SERVICE [--tag T]`: the main URL, or one tag's URL, on a line of its own (for $(…)).
import { FailedError } from '../../core/errors.js';
import { validateTag } from '../../core/names.js';
import { requireTagUrl, urlView } from '../../core/views/url.js';
import { writeDocument } from '../../ui/document.js';
import { printable } from '../../ui/sanitize.js';
import type { CommandContext } from '../context.js';
import { resolveService } from '../service-arg.js';
import type { UrlOptions } from './options.js';

/** `bgctl url`. */
export async function run(opts: UrlOptions, ctx: CommandContext): Promise<void> {
  const { io, globals } = ctx;
  const service = await resolveService(ctx, opts.service, 'url');
  const tag = opts.tag;
  if (tag !== undefined) validateTag(tag, service);
  const client = await ctx.kube();
  const svc = await client.getService(service);
  let url: string;
  if (tag !== undefined) {
    url = requireTagUrl(svc, tag);
  } else {
    if (!svc.status?.url) {
      throw new FailedError(`service "${service}" has no URL yet: its route is not ready`, {
        reason: 'NoURL',
        hint: `see bgctl status ${service}`,
      });
    }
    url = svc.status.url;
  }
  if (globals.output === 'table') io.out.write(printable(url) + '\n');
  else writeDocument(io, globals.output, urlView(svc, url, tag));
}
