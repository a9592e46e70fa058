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
import type { UpstreamExpectation, UpstreamRequest, UpstreamRow, UpstreamStep } from './row.js';
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

const stepHolds = (got: any, step: UpstreamStep, ns: string): boolean =>
  conditionsHold(got, step.conditions) &&
  (step.traffic === undefined || holds(got?.status?.traffic ?? [], step.traffic)) &&
  (step.objectStatus === undefined || holds(got?.status, inNamespace(step.objectStatus, ns)));

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

  async function setup(ns: string, req: UpstreamRequest): Promise<void> {
    await core.createNamespace({ body: { metadata: { name: ns } } });
    for (const s of req.setup ?? []) {
      const made = await api.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: ns,
        plural: s.resource,
        body: manifest(s.resource, s.body),
      });
      if (s.ready)
        clock.runUntil(
          () => isReady(stored(ns, s.resource, made.metadata.name)),
          `setup ${s.resource}/${made.metadata.name} Ready`,
        );
    }
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
    const validate = [`--validate=${(req.fieldValidation ?? 'Strict').toLowerCase()}`];
    if (req.verb === 'create' || req.verb === 'apply') {
      return {
        args: [req.verb, '-f', '-', '-n', ns, ...validate],
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

  async function settled(ns: string, row: UpstreamRow): Promise<void> {
    const want = row.expect.conditions ?? [];
    const wantStatus =
      row.expect.objectStatus === undefined
        ? undefined
        : JSON.parse(JSON.stringify(row.expect.objectStatus).replaceAll('{namespace}', ns));
    const matches = (got: any): boolean => conditionsHold(got, want) && (!wantStatus || holds(got?.status, wantStatus));
    try {
      clock.runUntil(() => matches(stored(ns, row.request.resource, row.request.name)), 'the stored object to settle');
    } catch (err) {
      assert.fail(
        `conditions never became ${JSON.stringify(want)}${wantStatus ? ` with status ${JSON.stringify(wantStatus)}` : ''}; last ${JSON.stringify(stored(ns, row.request.resource, row.request.name)?.status)} (${(err as Error).message})`,
      );
    }
    const served = await api.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: ns,
      plural: row.request.resource,
      name: row.request.name,
    });
    assert.ok(matches(served), `served over HTTPS: ${JSON.stringify(served?.status)}`);
  }

  rows.forEach((row, i) => {
    if (row.sequence) return;
    test(`${row.id}: ${row.behaviour}`, async () => {
      const req = row.request;
      const nsClient = `upstream-${i}-c`;
      await setup(nsClient, req);
      const got = await viaClientNode(nsClient, req);
      assert.equal(got.status, row.expect.status, `status (body: ${JSON.stringify(got.body)})`);
      if (row.expect.reason !== undefined) assert.equal(got.body?.reason, row.expect.reason);
      if (row.expect.message !== undefined) assert.equal(got.body?.message, row.expect.message);
      if (row.expect.warnings !== undefined) assert.deepEqual(got.warnings, row.expect.warnings);
      if (row.expect.conditions || row.expect.objectStatus) await settled(nsClient, row);

      if (!kubectl || !['create', 'apply', 'patch'].includes(req.verb)) return;
      const nsKubectl = `upstream-${i}-k`;
      await setup(nsKubectl, req);
      const { args, input } = kubectlArgs(nsKubectl, req);
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
  async function reach(ns: string, row: UpstreamRow, ok: (o: any) => boolean, what: string): Promise<void> {
    const { resource, name } = row.request;
    try {
      clock.runUntil(() => ok(stored(ns, resource, name)), what);
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
    await reach(ns, row, (o) => conditionsHold(o, row.expect.conditions), 'the request to settle');
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
        );
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
