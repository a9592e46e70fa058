// bgctl completion bash|zsh|fish
import { UsageError } from '../../core/errors.js';
import { SHELLS, type Shell } from '../read-views/read-completion.js';
import { defineVerb } from '../verb.js';

export interface CompletionOptions {
  shell: Shell;
}

export const completionVerb = defineVerb<CompletionOptions>({
  name: 'completion',
  summary: 'print a shell completion script (bash, zsh or fish)',
  description:
    'Prints a script that completes verbs, flags and their values in bash, zsh or fish. With -o json|yaml the ' +
    'script comes in a CompletionScript document (fields shell and script).',
  args: { name: '<shell>', description: 'bash, zsh or fish' },
  examples: [
    'source <(bgctl completion bash)            # bash, e.g. in ~/.bashrc',
    'source <(bgctl completion zsh)             # zsh, e.g. in ~/.zshrc',
    'bgctl completion fish | source             # fish',
  ],
  flags: (cmd) => void cmd.registeredArguments[0]?.choices(SHELLS),
  parse: ({ arg }) => {
    if (arg === undefined || !(SHELLS as readonly string[]).includes(arg)) {
      throw new UsageError(
        arg === undefined ? 'which shell? pass bash, zsh or fish' : `unsupported shell "${arg}": use bash, zsh or fish`,
        {
          reason: 'InvalidShell',
          hint: 'e.g. source <(bgctl completion bash)',
        },
      );
    }
    return { shell: arg as Shell };
  },
  load: () => import('./run.js'),
});
