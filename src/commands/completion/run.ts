// `bgctl completion bash|zsh|fish`: prints a completion script generated from the program. With
// -o json|yaml the script comes wrapped in a CompletionScript document, like every other verb's
// result: -o json prints exactly one document on stdout (docs/cli.md).
import { document } from '../../core/document.js';
import { writeDocument } from '../../ui/document.js';
import type { CommandContext } from '../context.js';
import { completionScript } from '../read-views/read-completion.js';
import { COMPLETE_ENV, printClusterCompletions } from '../read-views/cluster-completion.js';
import type { CompletionOptions } from './options.js';

/** `bgctl completion`. */
export async function run(opts: CompletionOptions, ctx: CommandContext): Promise<void> {
  const { shell } = opts;
  // The scripts call back with BGCTL_COMPLETE set to ask for service names or tags (read-views/cluster-completion.ts).
  const lookup = ctx.io.env[COMPLETE_ENV];
  if (lookup) return printClusterCompletions(ctx, lookup);
  if (!ctx.program) throw new Error('internal: completion runs inside the commander program');
  const script = completionScript(shell, ctx.program);
  if (ctx.globals.output === 'table') ctx.io.out.write(script);
  else writeDocument(ctx.io, ctx.globals.output, document('CompletionScript', { shell, script }));
}
