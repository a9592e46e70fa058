import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { usePlayground } from '../helpers/playground.js';
import { requests, sim } from '../kube/sim-helpers.js';
import { IOStreams } from '../../src/ui/iostreams.js';
import { streamRevisionTable } from '../../src/commands/revisions/run.js';
import type { KnativeService, Revision } from '../../src/core/knative-types.js';
import { createService, getService, getRevisions, waitFor } from './read-setup.js';

const maskTimes = (s: string) => s.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, (m) => m.replace(/\d/g, '0'));
const pad = (n: number) => String(n).padStart(5, '0');

describe('bgctl revisions', () => {
  const pg = usePlayground({ sample: 'hello' });
  const env = () => ({ KUBECONFIG: pg.current.kubeconfigPath });

  test('one revision (golden)', async () => {
    const r = await runCli(['revisions', 'hello'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      maskTimes(r.stdout),
      'NAME          READY     TRAFFIC   TAGS               GEN   AGE                    IMAGE                    REASON\n' +
        'hello-00001   True         100%   -                    1   0000-00-00T00:00:00Z   ghcr.io/bgctl/hello:v1\n',
    );
    assert.equal(r.stderr, '');
  });

  test('30 revisions over 5 pages: every row, in the API order, one LIST per page', async () => {
    const p = pg.current;
    await createService(p, 'many');
    const def = p.registry.resource('services', 'serving.knative.dev')!;
    for (let i = 2; i <= 30; i++) {
      const annotations = i === 5 ? { 'sim.bgctl.dev/fail': 'ExitCode1' } : undefined;
      p.registry.patch(
        def,
        'default',
        'many',
        'merge',
        {
          spec: {
            template: {
              metadata: { annotations: annotations ?? null },
              spec: { containers: [{ image: `ghcr.io/bgctl/hello:v${i}` }] },
            },
          },
        },
        { user: 'tester' },
      );
      await waitFor(p, 'services', 'many', (o) => o.status?.latestCreatedRevisionName === `many-${pad(i)}`);
    }
    await waitFor(
      p,
      'services',
      'many',
      (o) =>
        o.status?.latestReadyRevisionName === 'many-00030' && o.status?.traffic?.[0]?.revisionName === 'many-00030',
    );
    await waitFor(p, 'revisions', 'many-00005', (o) =>
      o.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'False'),
    );
    await sim(p, 'DELETE', 'requests');

    const r = await runCli(['revisions', 'many', '--chunk-size', '7'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^NAME +READY +TRAFFIC +TAGS +GEN +AGE +IMAGE +REASON$/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/ +/)[0]),
      Array.from({ length: 30 }, (_, i) => `many-${pad(i + 1)}`),
    );
    assert.match(lines[30], /^many-00030 +True +100% +- +30 +\S+ +ghcr\.io\/bgctl\/hello:v30$/);
    assert.match(lines[1], /^many-00001 +True +0% +- +1 /);
    assert.match(
      lines[5],
      /^many-00005 +False +0% +- +5 +\S+ +ghcr\.io\/bgctl\/hello:v5 +\w+/,
      'a failed revision shows its reason',
    );
    const lists = await requests(p, { verb: 'list', resource: 'revisions' });
    assert.equal(lists.length, 5);
    assert.ok(
      lists.every((q) => q.query.limit === '7' && q.query.labelSelector === 'serving.knative.dev/service=many'),
    );
    assert.equal(lists.filter((q) => q.query.continue).length, 4);

    const json = await runCli(['revisions', 'many', '-o', 'json', '--chunk-size', '7'], { env: env() });
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout);
    assert.equal(doc.apiVersion, 'bgctl.dev/v1');
    assert.equal(doc.kind, 'RevisionList');
    assert.equal(doc.service, 'many');
    assert.equal(doc.items.length, 30);
    assert.deepEqual(
      doc.items.map((i: any) => i.name),
      lines.slice(1).map((l) => l.split(/ +/)[0]),
      'same order as the table',
    );
    const last = doc.items[29];
    assert.deepEqual(
      {
        name: last.name,
        percent: last.percent,
        generation: last.generation,
        image: last.image,
        ready: last.ready.status,
        latestReady: last.latestReady,
      },
      {
        name: 'many-00030',
        percent: 100,
        generation: 30,
        image: 'ghcr.io/bgctl/hello:v30',
        ready: 'True',
        latestReady: true,
      },
    );
    assert.equal(doc.items[4].ready.status, 'False');
    assert.ok(doc.items[4].ready.reason);
  });

  test('tags and traffic come from the served split; ages are relative on a terminal', async () => {
    const p = pg.current;
    const def = p.registry.resource('services', 'serving.knative.dev')!;
    p.registry.patch(
      def,
      'default',
      'many',
      'merge',
      {
        spec: {
          traffic: [
            { revisionName: 'many-00029', percent: 60, tag: 'old' },
            { revisionName: 'many-00030', percent: 40, tag: 'new' },
          ],
        },
      },
      { user: 'tester' },
    );
    await waitFor(p, 'services', 'many', (o) => o.status?.traffic?.length === 2 && o.status.traffic[0].percent === 60);
    const created = Date.parse(
      getRevisions(p, 'many').find((x) => x.metadata.name === 'many-00030')!.metadata.creationTimestamp!,
    );
    const r = await runCli(['revisions', 'many'], { env: env(), tty: true, now: () => new Date(created + 90_000) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^many-00029 +True +60% +old +29 +\d+s +ghcr\.io\/bgctl\/hello:v29$/m);
    assert.match(r.stdout, /^many-00030 +True +40% +new +30 +90s +ghcr\.io\/bgctl\/hello:v30$/m);
  });

  test('NAME is as wide as the generated names, or a longer name the service already knows (custom template name)', async () => {
    const svc = getService(pg.current, 'hello') as KnativeService;
    const revs = getRevisions(pg.current, 'hello');
    const render = async (s: KnativeService) => {
      const io = IOStreams.test();
      async function* pages(): AsyncIterable<Revision[]> {
        yield revs;
      }
      await streamRevisionTable(io, s, pages(), {});
      return io.stdout.split('\n')[0];
    };
    assert.match(await render(svc), /^NAME {10}READY /, 'hello-00001 is 11 characters: NAME plus 7, then the gap');
    const custom = {
      ...svc,
      status: { ...svc.status, latestCreatedRevisionName: 'hello-blue-green-v2' },
    } as KnativeService;
    assert.match(await render(custom), /^NAME {18}READY /, 'room for the 19-character name the status names');
  });

  test('errors: missing SERVICE without a terminal, unknown service, bad --chunk-size', async () => {
    const none = await runCli(['revisions'], { env: env() });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /SERVICE is required when not running interactively/);
    const missing = await runCli(['revisions', 'nope'], { env: env() });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /not found/);
    const chunk = await runCli(['revisions', 'hello', '--chunk-size', '0'], { env: env() });
    assert.equal(chunk.code, 2);
    assert.match(chunk.stderr, /--chunk-size/);
  });

  test('streaming: rows of a page are written before the next page is requested', async () => {
    const svc = getService(pg.current, 'many') as KnativeService;
    const revs = getRevisions(pg.current, 'many');
    const io = IOStreams.test();
    const seenBeforePage: string[] = [];
    async function* pages(): AsyncIterable<Revision[]> {
      yield revs.slice(0, 10);
      seenBeforePage.push(io.stdout);
      yield revs.slice(10, 20);
      seenBeforePage.push(io.stdout);
      yield revs.slice(20);
    }
    const n = await streamRevisionTable(io, svc, pages(), {});
    assert.equal(n, 30);
    assert.equal(
      seenBeforePage[0].trimEnd().split('\n').length,
      11,
      'header and the first page were out before page 2',
    );
    assert.equal(seenBeforePage[1].trimEnd().split('\n').length, 21);
    // Fixed widths: every row's GEN column ends at the same place as the header's.
    const lines = io.stdout.trimEnd().split('\n');
    const end = lines[0].indexOf('GEN') + 3;
    for (const l of lines.slice(1)) assert.match(l.slice(end - 2, end), /^ ?\d+$/);
  });
});
