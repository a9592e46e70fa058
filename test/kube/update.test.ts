import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterAccessError, ConflictError } from '../../src/core/errors.js';
import type { KnativeService } from '../../src/core/knative-types.js';
import { createKnativeClient } from '../../src/kube/client.js';
import { updateWithRetry } from '../../src/kube/update.js';
import { waitForService } from '../../src/kube/wait.js';
import { usePlayground } from '../helpers/playground.js';
import { requests, service, sim } from './sim-helpers.js';

const setImage = (image: string) => ({
  ops: [{ op: 'replace' as const, path: '/spec/template/spec/containers/0/image', value: image }],
});
const noSleep = { sleep: async () => {}, random: () => 0.5 };

describe('updateWithRetry and retries against the playground', () => {
  const pg = usePlayground();
  const svcDef = () => pg.current.registry.resource('services', 'serving.knative.dev')!;
  /** Another writer, in-process: bumps the resourceVersion between our read and our write. */
  const otherWriter = (name: string, labels: Record<string, string>) =>
    pg.current.registry.patch(
      svcDef(),
      'default',
      name,
      'merge',
      { metadata: { labels } },
      { user: 'someone-else', fieldManager: 'kubectl-edit' },
    );

  before(async () => {
    const c = await createKnativeClient({ kubeconfig: pg.current.kubeconfigPath });
    for (const n of ['u-replan', 'u-refuse', 'u-storm', 'u-retry', 'u-initial']) {
      const created = await c.createService(service(n));
      await waitForService(c, n, { timeoutMs: 20_000, from: created });
    }
  });

  test('a 409 from a concurrent change re-reads and re-plans; the other change is kept', async () => {
    const c = await createKnativeClient({ kubeconfig: pg.current.kubeconfigPath });
    await sim(pg.current, 'DELETE', 'requests');
    const seen: KnativeService[] = [];
    const result = await updateWithRetry(
      c,
      'u-replan',
      (fresh) => {
        seen.push(fresh);
        if (seen.length === 1) otherWriter('u-replan', { owner: 'team-b' });
        return setImage('ghcr.io/bgctl/hello:v2');
      },
      { retry: noSleep },
    );
    // The controller may also write status in between, so there can be more rounds than one.
    assert.ok(result.attempts >= 2);
    assert.equal(seen.length, result.attempts);
    assert.equal(seen[1].metadata.labels?.owner, 'team-b', 'the re-plan saw the other writer');
    assert.equal(result.service.spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v2');
    assert.equal(result.service.metadata.labels?.owner, 'team-b', 'the other change was not lost');
    const patches = await requests(pg.current, { verb: 'patch', name: 'u-replan' });
    assert.equal(patches[0].code, 409);
    assert.equal(patches.at(-1)?.code, 200);
    assert.equal(patches.length, result.attempts);
  });

  test('when the re-plan refuses, its ConflictError (exit 5) propagates and nothing stale is written', async () => {
    const c = await createKnativeClient({ kubeconfig: pg.current.kubeconfigPath });
    let calls = 0;
    await assert.rejects(
      updateWithRetry(
        c,
        'u-refuse',
        (fresh) => {
          calls++;
          if (fresh.metadata.labels?.frozen)
            throw new ConflictError('service "u-refuse" was frozen by someone else; the intent no longer applies');
          otherWriter('u-refuse', { frozen: 'true' });
          return setImage('ghcr.io/bgctl/hello:v3');
        },
        { retry: noSleep },
      ),
      (e: unknown) => e instanceof ConflictError && e.exitCode === 5 && /no longer applies/.test(e.message),
    );
    assert.ok(calls >= 2);
    assert.equal((await c.getService('u-refuse')).spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v1');
  });

  test('initial: the first round plans on the object the caller read (no GET); a stale one costs a 409 and a fresh read', async () => {
    const c = await createKnativeClient({ kubeconfig: pg.current.kubeconfigPath });
    const read = await c.getService('u-initial');
    await sim(pg.current, 'DELETE', 'requests');
    const first = await updateWithRetry(
      c,
      'u-initial',
      (fresh) => ({
        ops: [{ op: 'add', path: '/metadata/labels', value: { ...fresh.metadata.labels, initial: 'one' } }],
      }),
      { initial: read, retry: noSleep },
    );
    assert.equal(first.attempts, 1);
    assert.equal(first.service.metadata.labels?.initial, 'one');
    assert.deepEqual(
      (await requests(pg.current)).map((r) => `${r.verb} ${r.code}`),
      ['patch 200'],
    );

    // `read` is stale now: the precondition refuses it, the next round reads and plans again.
    await sim(pg.current, 'DELETE', 'requests');
    const planned: Array<string | undefined> = [];
    const second = await updateWithRetry(
      c,
      'u-initial',
      (fresh) => {
        planned.push(fresh.metadata.labels?.initial);
        return { ops: [{ op: 'add', path: '/metadata/labels', value: { ...fresh.metadata.labels, initial: 'two' } }] };
      },
      { initial: read, retry: noSleep },
    );
    assert.deepEqual(planned.slice(0, 2), [undefined, 'one'], 'the second round planned on the fresh object');
    assert.equal(second.service.metadata.labels?.initial, 'two');
    const log = (await requests(pg.current)).map((r) => `${r.verb} ${r.code}`);
    assert.deepEqual(log.slice(0, 3), ['patch 409', 'get 200', 'patch 200']);
  });

  test("a plan's own resourceVersion guard is replaced by the one just read", async () => {
    const c = await createKnativeClient({ kubeconfig: pg.current.kubeconfigPath });
    await sim(pg.current, 'DELETE', 'requests');
    const r = await updateWithRetry(c, 'u-replan', () => ({
      ops: [
        { op: 'replace', path: '/metadata/resourceVersion', value: '1' },
        { op: 'add', path: '/metadata/labels/guarded', value: 'yes' },
      ],
    }));
    // A stale guard ('1') would conflict on every round and end in ConflictError.
    assert.equal(r.service.metadata.labels?.guarded, 'yes');
    assert.deepEqual(r.ops, [{ op: 'add', path: '/metadata/labels/guarded', value: 'yes' }]);
  });

  test('noop plans write nothing', async () => {
    const c = await createKnativeClient({ kubeconfig: pg.current.kubeconfigPath });
    await sim(pg.current, 'DELETE', 'requests');
    const r = await updateWithRetry(c, 'u-refuse', () => 'noop');
    assert.equal(r.noop, true);
    assert.equal((await requests(pg.current, { verb: 'patch' })).length, 0);
  });

  test('a conflict storm ends in ConflictError after the bounded number of rounds, with backoff between them', async () => {
    const c = await createKnativeClient({ kubeconfig: pg.current.kubeconfigPath });
    await sim(pg.current, 'DELETE', 'requests');
    await sim(pg.current, 'POST', 'faults', { conflictProbability: 1, verbs: ['patch'], resources: ['services'] });
    const waits: number[] = [];
    try {
      await assert.rejects(
        updateWithRetry(c, 'u-storm', () => setImage('ghcr.io/bgctl/hello:v4'), {
          maxAttempts: 3,
          retry: { sleep: async (ms) => void waits.push(ms), random: () => 0, baseDelayMs: 100 },
        }),
        (e: unknown) => e instanceof ConflictError && e.exitCode === 5 && /kept changing .*3 attempts/.test(e.message),
      );
    } finally {
      await sim(pg.current, 'DELETE', 'faults');
    }
    assert.deepEqual(waits, [50, 100]);
    const log = await requests(pg.current, { name: 'u-storm' });
    assert.deepEqual(
      log.map((r) => `${r.verb}:${r.code}`),
      ['get:200', 'patch:409', 'get:200', 'patch:409', 'get:200', 'patch:409'],
    );
  });

  test('429 (honouring Retry-After) and 503 are retried for reads and conditional writes', async () => {
    const waits: number[] = [];
    // The injected sleep lifts the fault, so exactly one failure precedes each success.
    const c = await createKnativeClient({
      kubeconfig: pg.current.kubeconfigPath,
      retry: {
        random: () => 0,
        sleep: async (ms) => {
          waits.push(ms);
          await sim(pg.current, 'DELETE', 'faults');
        },
      },
    });
    await sim(pg.current, 'DELETE', 'requests');
    await sim(pg.current, 'POST', 'faults', { throttleProbability: 1, retryAfterSeconds: 2, verbs: ['get'] });
    assert.equal((await c.getService('u-retry')).metadata.name, 'u-retry');
    await sim(pg.current, 'POST', 'faults', { unavailableProbability: 1, verbs: ['patch'] });
    const r = await updateWithRetry(c, 'u-retry', () => setImage('ghcr.io/bgctl/hello:v5'));
    assert.equal(r.attempts, 1);
    assert.equal(r.service.spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v5');
    assert.equal(waits[0], 2000, 'Retry-After honoured');
    assert.equal(waits.length, 2);
    const log = await requests(pg.current, { name: 'u-retry' });
    assert.deepEqual(
      log.map((x) => `${x.verb}:${x.code}`),
      ['get:429', 'get:200', 'get:200', 'patch:503', 'patch:200'],
    );
  });

  test('an unconditional write is not repeated after a 503; retries stop at the bound', async () => {
    const waits: number[] = [];
    const c = await createKnativeClient({
      kubeconfig: pg.current.kubeconfigPath,
      retry: { maxAttempts: 3, sleep: async (ms) => void waits.push(ms) },
    });
    await sim(pg.current, 'DELETE', 'requests');
    await sim(pg.current, 'POST', 'faults', { unavailableProbability: 1, verbs: ['patch', 'get'] });
    try {
      await assert.rejects(
        c.patchService('u-retry', [{ op: 'add', path: '/metadata/labels', value: { x: 'y' } }]),
        (e: unknown) => e instanceof ClusterAccessError && e.reason === 'ServiceUnavailable',
      );
      await assert.rejects(
        c.getService('u-retry'),
        (e: unknown) => e instanceof ClusterAccessError && e.exitCode === 4,
      );
    } finally {
      await sim(pg.current, 'DELETE', 'faults');
    }
    const log = await requests(pg.current, { name: 'u-retry' });
    assert.deepEqual(
      log.map((x) => `${x.verb}:${x.code}`),
      ['patch:503', 'get:503', 'get:503', 'get:503'],
    );
    assert.equal(waits.length, 2);
  });
});
