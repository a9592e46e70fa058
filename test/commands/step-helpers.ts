// Shared by the step-verb tests: services created straight in the playground's registry, reads of
// the stored objects (the cluster state after a step), ingress requests by Host header, and a
// CommandContext for calling the traffic-step engine in-process.
import type { KObject } from '../../src/sim/api/contracts.js';
import type { Playground } from '../helpers/playground.js';
import { ingressGet } from '../helpers/ingress.js';
import type { KnativeService, Revision } from '../../src/core/knative-types.js';
import { openClient, type CommandContext, type GlobalOptions } from '../../src/commands/context.js';
import { IOStreams, type TestIOStreams } from '../../src/ui/iostreams.js';
import { FakePrompter } from '../helpers/fake-prompter.js';
import type { KnativeClient } from '../../src/kube/client.js';

const SYSTEM = { user: 'system:admin', fieldManager: 'test' };

function defs(pg: Playground) {
  return {
    svc: pg.registry.resource('services', 'serving.knative.dev')!,
    rev: pg.registry.resource('revisions', 'serving.knative.dev')!,
  };
}

/** The stored Service. */
export function getService(pg: Playground, name: string): KnativeService {
  return pg.registry.get(defs(pg).svc, 'default', name) as unknown as KnativeService;
}

/** The stored Revision, or undefined. */
export function getRevision(pg: Playground, name: string): Revision | undefined {
  return pg.registry.tryGet(defs(pg).rev, 'default', name) as unknown as Revision | undefined;
}

/** Names of the stored revisions of a service. */
export function revisionNames(pg: Playground, service: string): string[] {
  return pg.registry
    .list(defs(pg).rev, 'default', { labelSelector: `serving.knative.dev/service=${service}` })
    .items.map((r) => r.metadata.name)
    .sort();
}

/** spec.traffic as stored, reduced to tag/revision/percent for compact assertions. */
export function specTraffic(
  pg: Playground,
  name: string,
): Array<{ tag?: string; revisionName?: string; percent: number; latestRevision?: boolean }> {
  return (getService(pg, name).spec.traffic ?? []).map((t) => {
    const o: { tag?: string; revisionName?: string; percent: number; latestRevision?: boolean } = {
      percent: t.percent ?? 0,
    };
    if (t.tag) o.tag = t.tag;
    if (t.revisionName) o.revisionName = t.revisionName;
    if (t.latestRevision) o.latestRevision = true;
    return o;
  });
}

/** Writes to the Service as another client would (a JSON merge patch through the registry). */
export function foreignMergePatch(pg: Playground, name: string, body: unknown): KObject {
  return pg.registry.patch(defs(pg).svc, 'default', name, 'merge', body, {
    user: 'someone-else',
    fieldManager: 'kubectl',
  }).object;
}

function isReady(o: KObject | undefined): boolean {
  return Boolean(
    o &&
    o.status?.observedGeneration === o.metadata.generation &&
    o.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'),
  );
}

/** Resolves once the stored Service satisfies `test` (checked on every change). */
export function waitForStored(
  pg: Playground,
  name: string,
  test: (o: KObject) => boolean,
  timeoutMs = 20_000,
): Promise<KObject> {
  const def = defs(pg).svc;
  return new Promise((resolve, reject) => {
    let stop = (): void => {};
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`service ${name} did not reach the expected state within ${timeoutMs} ms`));
    }, timeoutMs);
    const check = (o: KObject | undefined): boolean => {
      if (!o || !test(o)) return false;
      clearTimeout(timer);
      stop();
      resolve(o);
      return true;
    };
    stop = pg.registry.onChange((ev) => {
      if (ev.resource.plural === 'services' && ev.object.metadata.name === name) check(ev.object);
    });
    check(pg.registry.tryGet(def, 'default', name));
  });
}

/** Creates an (unpinned) Service in `default` and resolves once it is Ready. */
export async function createReadyService(
  pg: Playground,
  name: string,
  opts: { image?: string; annotations?: Record<string, string> } = {},
): Promise<KnativeService> {
  pg.registry.create(
    defs(pg).svc,
    'default',
    {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name, namespace: 'default' },
      spec: {
        template: {
          ...(opts.annotations ? { metadata: { annotations: opts.annotations } } : {}),
          spec: { containers: [{ image: opts.image ?? 'ghcr.io/bgctl/hello:v1' }] },
        },
      },
    },
    SYSTEM,
  );
  return (await waitForStored(pg, name, isReady)) as unknown as KnativeService;
}

/** GET http://<ingress>/ with the Host of `url` (see test/helpers/ingress.ts). */
export async function viaIngress(
  pg: Playground,
  url: string,
): Promise<{ status: number; body: string; revision?: string }> {
  const { status, body, revision } = await ingressGet(pg.ingress, url);
  return { status, body, revision };
}

/** The environment bgctl sees in runCli: the playground's kubeconfig and a fixed actor. */
export function cliEnv(pg: Playground, extra: Record<string, string> = {}): Record<string, string> {
  return { KUBECONFIG: pg.kubeconfigPath, BGCTL_ACTOR: 'tester', ...extra };
}

/** A CommandContext like main() builds, for calling the traffic-step engine in-process (no TTY unless asked). */
export function testContext(
  pg: Playground,
  opts: { tty?: boolean; prompter?: FakePrompter; globals?: Partial<GlobalOptions> } = {},
): CommandContext & { io: TestIOStreams } {
  const io = IOStreams.test({
    stdinTTY: opts.tty,
    stdoutTTY: opts.tty,
    stderrTTY: opts.tty,
    env: { NO_COLOR: '1', KUBECONFIG: pg.kubeconfigPath, BGCTL_ACTOR: 'tester' },
  });
  let client: Promise<KnativeClient> | undefined;
  const prompter = opts.prompter ?? new FakePrompter({}, { io });
  const globals: GlobalOptions = { output: 'table', verbose: false, ...opts.globals };
  const signal = new AbortController().signal;
  return {
    io,
    globals,
    signal,
    now: () => new Date('2026-11-26T12:00:00Z'),
    kube() {
      client ??= openClient(io, { ...globals, kubeconfig: pg.kubeconfigPath }, signal);
      return client;
    },
    prompter: () => prompter,
  };
}

/** Masks the playground's random ports and ages so that golden text is stable. */
export function mask(text: string): string {
  return text.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
}
