// `bgctl completion bash|zsh|fish`: prints a completion script generated from the program. With
// -o json|yaml the script comes wrapped in a CompletionScript document, like every other verb's
// result: -o json prints exactly one document on stdout (docs/cli.md).
import { UsageError } from '../core/errors.js';
import { document } from '../core/document.js';
import { writeDocument } from '../ui/document.js';
import { completionProgram } from './catalog/read.js';
import type { CommandContext } from './context.js';
import { SHELLS, completionScript, type Shell } from './read-views/read-completion.js';
import { COMPLETE_ENV, printClusterCompletions } from './read-views/cluster-completion.js';

/** `bgctl completion`. */
export async function run(ctx: CommandContext, shell: string | undefined, _opts: Record<string, any>): Promise<void> {
  if (shell === undefined || !(SHELLS as readonly string[]).includes(shell)) {
    throw new UsageError(shell === undefined ? 'which shell? pass bash, zsh or fish' : `unsupported shell "${shell}": use bash, zsh or fish`, {
      reason: 'InvalidShell',
      hint: 'e.g. source <(bgctl completion bash)',
    });
  }
  const lookup = ctx.io.env[COMPLETE_ENV];
  if (lookup) return printClusterCompletions(ctx, lookup);
  const program = completionProgram();
  if (!program) throw new Error('internal: the completion command was not registered through the catalog');
  const script = completionScript(shell as Shell, program);
  if (ctx.globals.output === 'table') ctx.io.out.write(script);
  else writeDocument(ctx.io, ctx.globals.output, document('CompletionScript', { shell, script }));
}
