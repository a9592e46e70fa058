// The one positional SERVICE, validated before any request; missing, it is picked from a searchable list on a
// terminal, else a usage error naming SERVICE (docs/cli.md, "Prompting").
import { UsageError } from '../core/errors.js';
import { validateServiceName } from '../core/names.js';
import { requiredMessage } from '../ui/resolve.js';
import type { Choice } from '../ui/prompter.js';
import type { CommandContext } from './context.js';

/** The prompt message of the service picker (tests answer it by this text). */
export const PICK_SERVICE_MESSAGE = 'Service';

/** The SERVICE `verb` acts on: the positional, else a pick from the namespace's services on a terminal. */
export async function resolveService(ctx: CommandContext, service: string | undefined, verb: string): Promise<string> {
  if (service !== undefined) return validateServiceName(service);
  if (!ctx.io.canPrompt()) {
    throw new UsageError(requiredMessage('SERVICE'), {
      reason: 'MissingArgument',
      hint: `pass the service name as the first argument: bgctl ${verb} SERVICE`,
    });
  }
  const client = await ctx.kube();
  const services = await client.listServices();
  if (services.length === 0) {
    throw new UsageError(`no Knative services in namespace "${client.namespace}"`, {
      reason: 'NoServices',
      hint: 'pick another namespace with -n, or create a service first',
    });
  }
  const choices: Choice<string>[] = services
    .map((s) => ({ value: s.metadata.name, name: s.metadata.name, description: s.status?.url }))
    .sort((a, b) => a.value.localeCompare(b.value));
  return ctx
    .prompter()
    .search(PICK_SERVICE_MESSAGE, (term) =>
      term ? choices.filter((c) => c.value.includes(term.toLowerCase())) : choices,
    );
}
