// `bgctl version`: the version line, or with -o json|yaml a `Version` document. Loads no cluster code.
import { document } from '../../core/document.js';
import { VERSION } from '../../core/version.js';
import { writeDocument } from '../../ui/document.js';
import type { CommandContext } from '../context.js';
import type { VersionOptions } from './options.js';

/** Runs the version verb. */
export async function run(_opts: VersionOptions, ctx: CommandContext): Promise<void> {
  const { output } = ctx.globals;
  if (output === 'table') {
    ctx.io.out.write(`${VERSION}\n`);
    return;
  }
  writeDocument(
    ctx.io,
    output,
    document('Version', { version: VERSION, node: process.version, platform: `${process.platform}/${process.arch}` }),
  );
}
