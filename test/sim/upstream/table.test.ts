// Runs every row of the upstream-behaviour table (the `*.rows.ts` files beside this one) against a
// started playground: through client-node over HTTPS (status code, reason, message, warnings,
// conditions) and, for create/apply/patch rows, through the real kubectl (its `Error from server`
// or `is invalid` text on stderr). Each row gets two fresh namespaces, one per client, so rows
// are independent and run a few at a time. The playground runs on a manual clock: a row moves it
// until the stored object settles, then reads it over HTTPS.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { usePlayground } from '../../helpers/playground.js';
import { createKubectl, findKubectl, type Kubectl } from '../../helpers/kubectl.js';
import type {
  UpstreamExpectation,
  UpstreamList,
  UpstreamRelated,
  UpstreamRequest,
  UpstreamRow,
  UpstreamStep,
} from './row.js';
import { ManualClock } from '../clock.js';

const GROUP = 'serving.knative.dev';
const VERSION = 'v1';
const KINDS: Record<UpstreamRequest['resource'], string> = {
  services: 'Service',
  configurations: 'Configuration',
  revisions: 'Revision',
  routes: 'Route',
};
const PATCH_TYPES = {
  merge: k8s.PatchStrategy.MergePatch,
  json: k8s.PatchStrategy.JsonPatch,
  strategic: k8s.PatchStrategy.StrategicMergePatch,
} as const;
const CONCURRENCY = 4;

const files = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.rows.ts'))
  .sort();
const rows: UpstreamRow[] = [];
for (const f of files) rows.push(...((await import(`./${f}`)) as { ROWS: UpstreamRow[] }).ROWS);

/** The object as sent: apiVersion and kind filled in, metadata.namespace dropped (the runner picks it). */
function manifest(resource: UpstreamRequest['resource'], body: unknown): Record<string, any> {
  const obj = structuredClone(body) as Record<string, any>;
  obj.apiVersion ??= `${GROUP}/${VERSION}`;
  obj.kind ??= KINDS[resource];
  if (obj.metadata) delete obj.metadata.namespace;
  return obj;
}

/** Warning header values (`299 - "text"`, possibly several joined by ", ") as their texts. */
function warningsOf(headers: Record<string, string> | undefined): string[] {
  const raw = headers?.warning ?? headers?.Warning;
  if (!raw) return [];
  return [...raw.matchAll(/\d{3} [^ ]+ "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(.)/g, '$1'));
}

/** Whether `got` holds every key of `want` (arrays: same length, element by element). */
function holds(got: unknown, want: unknown): boolean {
  if (Array.isArray(want))
    return Array.isArray(got) && got.length === want.length && want.every((w, i) => holds(got[i], w));
  if (want && typeof want === 'object')
    return (
      !!got &&
      typeof got === 'object' &&
      Object.entries(want).every(([k, w]) => holds((got as Record<string, unknown>)[k], w))
    );
  return got === want;
}

/** Whether the object has every wanted condition (type and status; reason and message when given). */
function conditionsHold(got: any, want: UpstreamExpectation['conditions'] = []): boolean {
  const conds: any[] = got?.status?.conditions ?? [];
  return want.every((w) =>
    conds.some(
      (c) =>
        c.type === w.type &&
        c.status === w.status &&
        (w.reason === undefined || c.reason === w.reason) &&
        (w.message === undefined || c.message === w.message),
    ),
  );
}

const inNamespace = (want: unknown, ns: string): unknown =>
  JSON.parse(JSON.stringify(want).replaceAll('{namespace}', ns));

/** `body` with `{setup.N}` replaced by the name setup object N got. */
const withSetupNames = (body: unknown, names: string[]): unknown =>
  body === undefined
    ? undefined
    : JSON.parse(JSON.stringify(body).replace(/\{setup\.(\d+)\}/g, (_, i: string) => names[Number(i)] ?? ''));

/** A create that leaves the name to metadata.generateName. */
const generatesName = (req: UpstreamRequest): boolean => {
  const meta = (req.body as any)?.metadata;
  return !meta?.name && !!meta?.generateName;
};

/** Labels or annotations as wanted: exact strings, `true` present and non-empty, `null` absent. */
function mapHolds(got: Record<string, string> | undefined, want: Record<string, string | true | null> = {}): boolean {
  return Object.entries(want).every(([k, w]) =>
    w === null ? got?.[k] === undefined : w === true ? !!got?.[k] : got?.[k] === w,
  );
}

/** Whether `got` is in the state a related expectation asks for. */
function relatedHolds(got: any, want: UpstreamRelated, ns: string): boolean {
  return (
    !!got &&
    mapHolds(got.metadata?.labels, want.labels) &&
    mapHolds(got.metadata?.annotations, want.annotations) &&
    (want.ownerReferences === undefined || holds(got.metadata?.ownerReferences ?? [], want.ownerReferences)) &&
    conditionsHold(got, want.conditions) &&
    (want.objectStatus === undefined || holds(got.status, inNamespace(want.objectStatus, ns)))
  );
}

/** `want` with `{name}` replaced by the name the row's object got, `{setup.N}` by setup N's. */
const named = <T>(want: T, name: string, setupNames: string[] = []): T =>
  want === undefined
    ? want
    : (withSetupNames(JSON.parse(JSON.stringify(want).replaceAll('{name}', name)), setupNames) as T);

const relatedFor = (want: UpstreamRelated[] | undefined, name: string, setupNames?: string[]): UpstreamRelated[] =>
  named(want ?? [], name, setupNames);

const stepHolds = (got: any, step: UpstreamStep, ns: string): boolean =>
  conditionsHold(got, step.conditions) &&
  (step.traffic === undefined || holds(got?.status?.traffic ?? [], step.traffic)) &&
  (step.objectStatus === undefined || holds(got?.status, inNamespace(step.objectStatus, ns)));

/** Reads each related object over HTTPS and checks it is in the state wanted. */
async function assertRelatedServed(api: k8s.CustomObjectsApi, ns: string, related: UpstreamRelated[]): Promise<void> {
  for (const r of related) {
    const served = await api.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: ns,
      plural: r.resource,
      name: r.name,
    });
    assert.ok(relatedHolds(served, r, ns), `${r.resource}/${r.name} served over HTTPS: ${JSON.stringify(served)}`);
  }
}

/** Lists the resource through client-node and, when there, kubectl: the names must be exactly these. */
async function assertListed(
  api: k8s.CustomObjectsApi,
  kubectl: Kubectl | undefined,
  ns: string,
  list: UpstreamList,
): Promise<void> {
  const want = list.names;
  const got = await api.listNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: ns,
    plural: list.resource,
  });
  assert.deepEqual(
    got.items.map((o: any) => o.metadata.name),
    want,
    `${list.resource} listed by client-node`,
  );
  if (!kubectl) return;
  const r = await kubectl.run(['get', `${list.resource}.${GROUP}`, '-n', ns, '-o', 'name']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, want.map((n) => `${list.resource.replace(/s$/, '')}.${GROUP}/${n}\n`).join(''));
}

interface Answer {
  status: number;
  body: any;
  warnings: string[];
}

describe('upstream behaviour table', { concurrency: CONCURRENCY }, () => {
  const clock = new ManualClock();
  const pg = usePlayground({ clock });
  const stored = (ns: string, resource: UpstreamRequest['resource'], name: string) =>
    pg.current.registry.tryGet(pg.current.registry.resource(resource, GROUP)!, ns, name);
  const isReady = (o: any) =>
    o?.status?.observedGeneration === o?.metadata.generation &&
    o?.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');
  let api: k8s.CustomObjectsApi;
  let core: k8s.CoreV1Api;
  let kubectl: Kubectl | undefined;

  before(async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(pg.current.kubeconfigPath);
    api = kc.makeApiClient(k8s.CustomObjectsApi);
    core = kc.makeApiClient(k8s.CoreV1Api);
    const bin = findKubectl();
    if (!bin && process.env.CI === 'true')
      throw new Error('kubectl not found on PATH or in the gcloud SDK folder, and CI=true');
    if (bin) {
      kubectl = createKubectl(bin, pg.current.kubeconfigPath);
      // Warm discovery once, so that concurrent rows do not all fetch it.
      const warm = await kubectl.run(['get', 'ksvc']);
      assert.equal(warm.code, 0, warm.stderr);
    }
  });
  after(() => kubectl?.dispose());

  async function call(fn: () => Promise<k8s.HttpInfo<any>>): Promise<Answer> {
    try {
      const r = await fn();
      return { status: r.httpStatusCode, body: r.data, warnings: warningsOf(r.headers) };
    } catch (err: any) {
      if (typeof err?.code !== 'number') throw err;
      const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
      return { status: err.code, body, warnings: warningsOf(err.headers) };
    }
  }

  /** Makes the namespace and the setup objects; returns the names these got. */
  async function setup(ns: string, req: UpstreamRequest): Promise<string[]> {
    await core.createNamespace({ body: { metadata: { name: ns } } });
    const names: string[] = [];
    for (const s of req.setup ?? []) {
      const made = await api.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: ns,
        plural: s.resource,
        body: manifest(s.resource, withSetupNames(s.body, names)),
      });
      names.push(made.metadata.name);
      if (s.ready)
        clock.runUntil(
          () => isReady(stored(ns, s.resource, made.metadata.name)),
          `setup ${s.resource}/${made.metadata.name} Ready`,
        );
    }
    return names;
  }

  function viaClientNode(ns: string, req: UpstreamRequest): Promise<Answer> {
    const base = { group: GROUP, version: VERSION, namespace: ns, plural: req.resource };
    switch (req.verb) {
      case 'create':
      case 'apply':
        // A first apply of a new object is a create; the playground answers both alike.
        return call(() =>
          api.createNamespacedCustomObjectWithHttpInfo({
            ...base,
            body: manifest(req.resource, req.body),
            fieldValidation: req.fieldValidation,
          }),
        );
      case 'patch':
        return call(() =>
          api.patchNamespacedCustomObjectWithHttpInfo(
            { ...base, name: req.name, body: req.body },
            k8s.setHeaderOptions('Content-Type', PATCH_TYPES[req.patchType ?? 'merge']),
          ),
        );
      case 'get':
        return call(() => api.getNamespacedCustomObjectWithHttpInfo({ ...base, name: req.name }));
      case 'delete':
        return call(() => api.deleteNamespacedCustomObjectWithHttpInfo({ ...base, name: req.name }));
    }
  }

  function kubectlArgs(ns: string, req: UpstreamRequest): { args: string[]; input?: string } {
    // kubectl apply needs a name; a generateName create goes through kubectl create.
    const verb = req.verb === 'apply' && generatesName(req) ? 'create' : req.verb;
    const validate = [`--validate=${(req.fieldValidation ?? 'Strict').toLowerCase()}`];
    if (req.verb === 'create' || req.verb === 'apply') {
      return {
        args: [verb, '-f', '-', '-n', ns, ...validate],
        input: JSON.stringify(manifest(req.resource, req.body)),
      };
    }
    return {
      args: [
        'patch',
        `${req.resource}.${GROUP}`,
        req.name,
        '-n',
        ns,
        '--type',
        req.patchType ?? 'merge',
        '-p',
        JSON.stringify(req.body),
      ],
    };
  }

  /** What kubectl prints for the refusal: `Error from server (Reason): ...`, or its `is invalid` form for a 422. */
  function kubectlText(row: UpstreamRow): string {
    const { reason, message = '' } = row.expect;
    if (reason === 'Invalid') {
      // kubectl rebuilds the text from the Status details: one cause inline, several as a list.
      const tail = message.slice(message.indexOf(' is invalid: ') + ' is invalid: '.length);
      const causes = tail.startsWith('[') && tail.endsWith(']') ? tail.slice(1, -1).split(', ') : [tail];
      const head = `The ${KINDS[row.request.resource]} "${row.request.name}" is invalid: `;
      return causes.length === 1 ? `${head}${causes[0]}\n` : `${head}\n${causes.map((c) => `* ${c}`).join('\n')}\n`;
    }
    const source = row.request.verb === 'patch' ? '' : 'error when creating "STDIN": ';
    // kubectl ends the text with a newline unless it already has one.
    const text = `Error from server (${reason}): ${source}${message}`;
    return text.endsWith('\n') ? text : `${text}\n`;
  }

  /** Runs the clock until the row's object (`name`) and its related objects settle, then reads them over HTTPS. */
  async function settled(ns: string, row: UpstreamRow, name: string, setupNames: string[]): Promise<void> {
    const want = row.expect.conditions ?? [];
    const wantStatus =
      row.expect.objectStatus === undefined
        ? undefined
        : (inNamespace(named(row.expect.objectStatus, name, setupNames), ns) as Record<string, unknown>);
    const related = relatedFor(row.expect.related, name, setupNames);
    const matches = (got: any): boolean => conditionsHold(got, want) && (!wantStatus || holds(got?.status, wantStatus));
    const relatedMatch = (r: UpstreamRelated): boolean => relatedHolds(stored(ns, r.resource, r.name), r, ns);
    try {
      clock.runUntil(
        () => matches(stored(ns, row.request.resource, name)) && related.every(relatedMatch),
        'the stored object to settle',
      );
    } catch (err) {
      const lost = related.filter((r) => !relatedMatch(r));
      assert.fail(
        `conditions never became ${JSON.stringify(want)}${wantStatus ? ` with status ${JSON.stringify(wantStatus)}` : ''}; last ${JSON.stringify(stored(ns, row.request.resource, name)?.status)}${lost.map((r) => `; ${r.resource}/${r.name} is ${JSON.stringify(stored(ns, r.resource, r.name)?.metadata)}`).join('')} (${(err as Error).message})`,
      );
    }
    const served = await api.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: ns,
      plural: row.request.resource,
      name,
    });
    assert.ok(matches(served), `served over HTTPS: ${JSON.stringify(served?.status)}`);
    await assertRelatedServed(api, ns, related);
  }

  rows.forEach((row, i) => {
    if (row.sequence) return;
    test(`${row.id}: ${row.behaviour}`, async () => {
      const req = row.request;
      const nsClient = `upstream-${i}-c`;
      const setupNames = await setup(nsClient, req);
      const got = await viaClientNode(nsClient, { ...req, body: withSetupNames(req.body, setupNames) });
      assert.equal(got.status, row.expect.status, `status (body: ${JSON.stringify(got.body)})`);
      if (row.expect.reason !== undefined) assert.equal(got.body?.reason, row.expect.reason);
      if (row.expect.message !== undefined) assert.equal(got.body?.message, row.expect.message);
      if (row.expect.warnings !== undefined) assert.deepEqual(got.warnings, row.expect.warnings);
      const name: string = generatesName(req) ? got.body?.metadata?.name : req.name;
      if (row.expect.nameMatches !== undefined) assert.match(name, new RegExp(row.expect.nameMatches));
      if (row.expect.conditions || row.expect.objectStatus || row.expect.related || row.expect.lists)
        await settled(nsClient, row, name, setupNames);
      for (const list of row.expect.lists ?? [])
        await assertListed(api, kubectl, nsClient, named(list, name, setupNames));

      if (!kubectl || !['create', 'apply', 'patch'].includes(req.verb)) return;
      const nsKubectl = `upstream-${i}-k`;
      const kubectlSetupNames = await setup(nsKubectl, req);
      const { args, input } = kubectlArgs(nsKubectl, { ...req, body: withSetupNames(req.body, kubectlSetupNames) });
      const r = await kubectl.run(args, { input });
      const stderr = r.stderr
        .split('\n')
        .filter((l) => !l.startsWith('Warning: '))
        .join('\n');
      if (row.expect.status >= 400) {
        assert.notEqual(r.code, 0, `kubectl ${args.join(' ')} succeeded: ${r.stdout}`);
        assert.equal(stderr, kubectlText(row));
      } else {
        assert.equal(r.code, 0, r.stderr);
      }
      if (row.expect.warnings !== undefined) {
        const printed = r.stderr
          .split('\n')
          .filter((l) => l.startsWith('Warning: '))
          .map((l) => l.slice('Warning: '.length));
        assert.deepEqual(printed, row.expect.warnings);
      }
    });
  });
});

// Rows with a `sequence`: states in time (a gradual rollout's steps). They run one at a time on a
// playground and clock of their own, since the rows above move their clock concurrently and would
// run these steps early. Each runs twice: the request through client-node, then through kubectl.
describe('upstream condition sequences', () => {
  const clock = new ManualClock();
  const pg = usePlayground({ clock });
  const stored = (ns: string, resource: UpstreamRequest['resource'], name: string) =>
    pg.current.registry.tryGet(pg.current.registry.resource(resource, GROUP)!, ns, name);
  const isReady = (o: any) =>
    o?.status?.observedGeneration === o?.metadata.generation &&
    o?.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');
  let api: k8s.CustomObjectsApi;
  let core: k8s.CoreV1Api;
  let kubectl: Kubectl | undefined;

  before(() => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(pg.current.kubeconfigPath);
    api = kc.makeApiClient(k8s.CustomObjectsApi);
    core = kc.makeApiClient(k8s.CoreV1Api);
    const bin = findKubectl();
    if (bin) kubectl = createKubectl(bin, pg.current.kubeconfigPath);
  });
  after(() => kubectl?.dispose());

  /** Runs the clock until the object shows `ok`, then checks the same over HTTPS. */
  async function reach(
    ns: string,
    row: UpstreamRow,
    ok: (o: any) => boolean,
    what: string,
    others: () => boolean = () => true,
  ): Promise<void> {
    const { resource, name } = row.request;
    try {
      clock.runUntil(() => ok(stored(ns, resource, name)) && others(), what);
    } catch (err) {
      assert.fail(
        `${what}: last status ${JSON.stringify(stored(ns, resource, name)?.status)} (${(err as Error).message})`,
      );
    }
    const served = await api.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: ns,
      plural: resource,
      name,
    });
    assert.ok(ok(served), `${what}, served over HTTPS: ${JSON.stringify(served?.status)}`);
  }

  async function runSequence(row: UpstreamRow, ns: string, send: () => Promise<void>): Promise<void> {
    const { resource, name } = row.request;
    const related = (want: UpstreamRelated[] | undefined) => relatedFor(want, name);
    const relatedMatch = (want: UpstreamRelated[] | undefined) => () =>
      related(want).every((r) => relatedHolds(stored(ns, r.resource, r.name), r, ns));
    await core.createNamespace({ body: { metadata: { name: ns } } });
    for (const s of row.request.setup ?? []) {
      const made = await api.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: ns,
        plural: s.resource,
        body: manifest(s.resource, s.body),
      });
      if (s.ready)
        clock.runUntil(() => isReady(stored(ns, s.resource, made.metadata.name)), `setup ${s.resource} Ready`);
    }
    await send();
    await reach(
      ns,
      row,
      (o) => conditionsHold(o, row.expect.conditions),
      'the request to settle',
      relatedMatch(row.expect.related),
    );
    await assertRelatedServed(api, ns, related(row.expect.related));
    const trafficOf = (o: any) => JSON.stringify(o?.status?.traffic ?? []);
    let last = trafficOf(stored(ns, resource, name));
    const seen: string[] = [];
    const stop = pg.current.registry.onChange((ev) => {
      const o = ev.object;
      if (ev.resource.plural !== resource || o.metadata.namespace !== ns || o.metadata.name !== name) return;
      const t = trafficOf(o);
      if (t !== last) seen.push((last = t));
    });
    try {
      for (const [i, step] of row.sequence!.entries()) {
        if (step.write) {
          await api.patchNamespacedCustomObject(
            {
              group: GROUP,
              version: VERSION,
              namespace: ns,
              plural: step.write.resource,
              name: step.write.name,
              body: step.write.body,
            },
            k8s.setHeaderOptions('Content-Type', PATCH_TYPES[step.write.patchType ?? 'merge']),
          );
        }
        if (step.advanceMs) clock.advance(step.advanceMs);
        await reach(
          ns,
          row,
          (o) => stepHolds(o, step, ns),
          `step ${i + 1} (${JSON.stringify(step.traffic ?? step.conditions)})`,
          relatedMatch(step.related),
        );
        await assertRelatedServed(api, ns, related(step.related));
      }
    } finally {
      stop();
    }
    const want = row.sequence!.flatMap((s) => (s.traffic ? [s.traffic] : []));
    const distinct = want.filter((w, i) => i === 0 || JSON.stringify(w) !== JSON.stringify(want[i - 1]));
    assert.equal(seen.length, distinct.length, `status.traffic went through:\n${seen.join('\n')}`);
    distinct.forEach((w, i) => assert.ok(holds(JSON.parse(seen[i]), w), `traffic ${i + 1}: ${seen[i]}`));
  }

  rows.forEach((row, i) => {
    if (!row.sequence) return;
    const req = row.request;
    test(`${row.id}: ${row.behaviour}`, async () => {
      assert.equal(req.verb, 'create', 'a sequence row starts with a create');
      await runSequence(row, `upstream-seq-${i}-c`, async () => {
        const made = await api.createNamespacedCustomObjectWithHttpInfo({
          group: GROUP,
          version: VERSION,
          namespace: `upstream-seq-${i}-c`,
          plural: req.resource,
          body: manifest(req.resource, req.body),
        });
        assert.equal(made.httpStatusCode, row.expect.status);
      });
      if (!kubectl) return;
      const ns = `upstream-seq-${i}-k`;
      await runSequence(row, ns, async () => {
        const r = await kubectl!.run(['create', '-f', '-', '-n', ns], {
          input: JSON.stringify(manifest(req.resource, req.body)),
        });
        assert.equal(r.code, 0, r.stderr);
      });
    });
  });
});
