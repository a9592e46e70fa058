// `bgctl completion bash|zsh|fish`: a script generated from the program (with -o json|yaml, in a CompletionScript).
import { document } from '../../core/document.js';
import { writeDocument } from '../../ui/document.js';
import type { CommandContext } from '../context.js';
import { completionScript } from '../read-views/read-completion.js';
import { COMPLETE_ENV, printClusterCompletions } from '../read-views/cluster-completion.js';
import type { CompletionOptions } from './options.js';

/** `bgctl completion`. */
export async function run(opts: CompletionOptions, ctx: CommandContext): Promise<void> {
  const { shell } = opts;
  // The scripts call back with BGCTL_COMPLETE set for service names or tags (read-views/cluster-completion.ts).
  const lookup = ctx.io.env[COMPLETE_ENV];
  if (lookup) return printClusterCompletions(ctx, lookup);
  if (!ctx.program) throw new Error('internal: completion runs inside the commander program');
  const script = completionScript(shell, ctx.program);
  if (ctx.globals.output === 'table') ctx.io.out.write(script);
  else writeDocument(ctx.io, ctx.globals.output, document('CompletionScript', { shell, script }));
}
