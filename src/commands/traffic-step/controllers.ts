// Other controllers of the Service (Argo CD, Flux, a Flagger canary) as the step sees them: warnings added to the plan,
// and the --gitops=refuse refusal. Detection is core/gitops.ts; the canary list is read once per command.
import { ConflictError } from '../../core/errors.js';
import {
  controllerWarning,
  detectControllers,
  flaggerUnknownNote,
  type Controller,
  type FlaggerLookup,
} from '../../core/gitops.js';
import type { KnativeService } from '../../core/knative-types.js';
import type { Plan } from '../../core/plan-types.js';
import type { KnativeClient } from '../../kube/client.js';
import type { WriteFlags } from '../write-flags.js';

// One list of canaries per client (per command): a rollout's steps do not ask again.
const lookups = new WeakMap<KnativeClient, Promise<FlaggerLookup>>();

/** The namespace's Flagger canaries, read once per client. */
export function flaggerOf(client: KnativeClient): Promise<FlaggerLookup> {
  let found = lookups.get(client);
  if (!found) {
    found = client.listFlaggerCanaries();
    lookups.set(client, found);
  }
  return found;
}

/** True for the plans another controller would fight over: they change the traffic or the template. */
function contested(plan: Plan): boolean {
  return !plan.noop && (plan.trafficChanged || plan.template !== undefined);
}

/** The plan with a warning per controller of the Service (and a note when Flagger could not be checked). */
export function withControllers(
  plan: Plan,
  svc: KnativeService,
  flagger: FlaggerLookup,
): { plan: Plan; controllers: Controller[] } {
  if (!contested(plan)) return { plan, controllers: [] };
  const controllers = detectControllers(svc, flagger);
  const warnings = controllers.map((c) => controllerWarning(c, plan.service.name));
  const note = flaggerUnknownNote(flagger, plan.service.name);
  if (!warnings.length && !note) return { plan, controllers };
  return {
    plan: {
      ...plan,
      warnings: [...plan.warnings, ...warnings],
      notices: note ? [...plan.notices, note] : plan.notices,
    },
    controllers,
  };
}

/** --gitops=refuse: a write another controller would undo or fight over is refused (exit 5) before anything is sent. */
export function refuseManaged(plan: Plan, controllers: Controller[], flags: WriteFlags): void {
  if (flags.gitops !== 'refuse' || controllers.length === 0 || flags.dryRun || flags.render) return;
  const owners = controllers.map((c) => c.owner).join(', ');
  throw new ConflictError(`service "${plan.service.name}" is managed by ${owners}: refused by --gitops=refuse`, {
    reason: 'GitOpsManaged',
    hint: `commit the change to Git (add --render to print the manifest), or pass --gitops=warn to write anyway`,
  });
}
