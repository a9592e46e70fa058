// The SERVICE argument of the read verbs: given, else picked from the namespace's services on a
// terminal, else a usage error (PRODUCT.md's prompting rule; there is no env var for it).
import { UsageError } from '../../core/errors.js';
import { validateServiceName } from '../../core/names.js';
import type { KnativeClient } from '../../kube/client.js';
import { requiredMessage } from '../../ui/resolve.js';
import type { CommandContext } from '../context.js';

/** The service name to act on; prompts (a searchable list) only when ctx.io.canPrompt(). */
export async function resolveService(ctx: CommandContext, service: string | undefined, verb: string): Promise<string> {
  if (service !== undefined) return validateServiceName(service);
  if (!ctx.io.canPrompt()) {
    throw new UsageError(requiredMessage('SERVICE'), { reason: 'MissingArgument', hint: `usage: bgctl ${verb} SERVICE` });
  }
  const client: KnativeClient = await ctx.kube();
  const names = (await client.listServices()).map((s) => s.metadata.name).sort();
  if (names.length === 0) {
    throw new UsageError(`no Knative services in namespace "${client.namespace}"`, { reason: 'NoServices', hint: 'pick another namespace with -n, or create one with kn or kubectl' });
  }
  return ctx.prompter().search('Service', (term) =>
    names.filter((n) => !term || n.includes(term)).map((n) => ({ value: n })),
  );
}
