// NamespaceWatch's ordering rules with a scripted NamespaceSource (bgctl's own interface, not client-node): a
// subscriber never gets a state older than the one it has (a wait started from its write must not end on the state
// before it), a service missing from a later LIST is reported deleted, and resourceVersions that are not numbers
// turn sharing off (the caller watches on its own). The playground side is in namespace-watch.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NamespaceWatch, type NamespaceSource } from '../../src/kube/namespace-watch.js';
import type { KnativeService } from '../../src/core/knative-types.js';
import type { WatchEventType } from '../../src/kube/client.js';

const svc = (name: string, rv: number, note = ''): KnativeService =>
  ({
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name, resourceVersion: String(rv), annotations: { note } },
    spec: {},
  }) as unknown as KnativeService;

/** A source whose LIST answers `lists` in turn and whose watch the test drives by hand. */
function scripted(lists: Array<{ items: KnativeService[]; resourceVersion: string }>) {
  const stream: { emit?: (t: WatchEventType, o: unknown) => void; done?: (e: any) => void; from: string[] } = {
    from: [],
  };
  let listed = 0;
  const source: NamespaceSource = {
    list: async () => lists[Math.min(listed++, lists.length - 1)],
    watch: async (rv, onEvent, onDone) => {
      stream.from.push(rv);
      stream.emit = onEvent;
      stream.done = onDone;
      return { stop: () => undefined };
    },
  };
  return { source, stream, listed: () => listed };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('NamespaceWatch ordering', () => {
  test('a cached state older than the subscriber’s is not passed on; newer events are, once each', async () => {
    const { source, stream } = scripted([{ items: [svc('a', 10, 'old')], resourceVersion: '12' }]);
    const w = new NamespaceWatch(source);
    const seen: string[] = [];
    w.subscribe(
      'a',
      '11',
      (t, o) => seen.push(`${t} ${o.metadata.resourceVersion}`),
      () => undefined,
    );
    await settle();
    assert.deepEqual(seen, [], 'rv 10 is older than the write the subscriber started from (11)');
    assert.deepEqual(stream.from, ['12']);
    stream.emit!('MODIFIED', svc('b', 13));
    stream.emit!('MODIFIED', svc('a', 14, 'new'));
    assert.deepEqual(seen, ['MODIFIED 14']);
    // A second subscriber that already has 14 gets nothing from the cache; one from 9 gets the cached 14.
    const late: string[] = [];
    w.subscribe(
      'a',
      '14',
      (t, o) => late.push(`${t} ${o.metadata.resourceVersion}`),
      () => undefined,
    );
    w.subscribe(
      'a',
      '9',
      (t, o) => late.push(`early ${t} ${o.metadata.resourceVersion}`),
      () => undefined,
    );
    await settle();
    assert.deepEqual(late, ['early MODIFIED 14']);
    w.close();
  });

  test('after a 410 the LIST decides: a newer state is passed on, a missing service is reported deleted', async () => {
    const { source, stream, listed } = scripted([
      { items: [svc('a', 5), svc('b', 5)], resourceVersion: '6' },
      { items: [svc('a', 20)], resourceVersion: '21' },
    ]);
    const w = new NamespaceWatch(source);
    const seen: string[] = [];
    for (const name of ['a', 'b'])
      w.subscribe(
        name,
        '5',
        (t, o) => seen.push(`${name} ${t} ${o.metadata.resourceVersion}`),
        () => undefined,
      );
    await settle();
    stream.emit!('ERROR', { code: 410, reason: 'Expired' });
    stream.done!(null);
    await settle();
    await settle();
    assert.equal(listed(), 2, 're-listed');
    assert.deepEqual(seen.sort(), ['a MODIFIED 20', 'b DELETED 21']);
    assert.deepEqual(stream.from, ['6', '21']);
    w.close();
  });

  test('resourceVersions that are not decimal numbers: subscribe refuses, the caller watches on its own', async () => {
    const { source } = scripted([{ items: [], resourceVersion: 'abc' }]);
    const w = new NamespaceWatch(source);
    assert.equal(
      w.subscribe(
        'a',
        'not-a-number',
        () => undefined,
        () => undefined,
      ),
      undefined,
    );
    // A numeric start, but the server's LIST is not: the subscriber is released (onDone null) and sharing ends.
    let released = false;
    assert.ok(
      w.subscribe(
        'a',
        '3',
        () => undefined,
        (e) => (released = e === null),
      ),
    );
    await settle();
    assert.ok(released);
    assert.equal(
      w.subscribe(
        'a',
        '3',
        () => undefined,
        () => undefined,
      ),
      undefined,
    );
  });
  test('a 410 storm (every resumed stream expires at once) backs off between LISTs instead of spinning', async () => {
    let watches = 0;
    let lists = 0;
    const sleeps: number[] = [];
    const source: NamespaceSource = {
      list: async () => (lists++, { items: [svc('a', 5)], resourceVersion: '6' }),
      watch: async (_rv, onEvent, onDone) => {
        // The first 20 streams answer 410 and close; the 21st stays open (so the loop ends either way).
        if (++watches <= 20)
          setImmediate(() => {
            onEvent('ERROR', { code: 410, reason: 'Expired' });
            onDone(null);
          });
        return { stop: () => undefined };
      },
    };
    const w = new NamespaceWatch(source, { retry: { sleep: async (ms) => void sleeps.push(ms) } });
    w.subscribe(
      'a',
      '5',
      () => undefined,
      () => undefined,
    );
    while (watches <= 20) await settle();
    assert.equal(lists, 21, 'a LIST after each 410');
    // Only the first resume is immediate: an expiry right after a fresh LIST is no progress, so the next ones wait.
    assert.ok(sleeps.length >= 18, `backed off between the expired streams (slept ${sleeps.length} times)`);
    w.close();
  });
});
