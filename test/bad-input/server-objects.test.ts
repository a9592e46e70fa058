// The BUILT CLI (bin/bgctl.js, minified as shipped) against a server that answers with objects that
// are not Knative Services: every verb exits 4 with one line naming the field, before any write,
// with no TypeError, no stack and no "internal:". Also: an error thrown without an explicit reason
// reports its class's stable word in the Error document, not a minified class name.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runBin } from '../helpers/cli.js';
import { createKnativeClient } from '../../src/kube/client.js';
import type { BgctlError } from '../../src/core/errors.js';
import { conformantService, fakeKnativeServer, kubeconfigFor, tempFile, type Hostile } from './hostile.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** conformantService(name) with `edit` applied. */
function bad(name: string, edit: (o: any) => void): Record<string, any> {
  const o = conformantService(name);
  edit(o);
  return o;
}

const BAD: Array<{ name: string; edit: (o: any) => void; field: RegExp }> = [
  { name: 'traffic-abc', edit: (o) => (o.spec.traffic = 'abc'), field: /spec\.traffic: expected a list/ },
  { name: 'no-metadata', edit: (o) => delete o.metadata, field: /metadata: missing/ },
  {
    name: 'string-percents',
    edit: (o) => {
      o.spec.traffic = [
        { revisionName: 'string-percents-00001', percent: '50' },
        { revisionName: 'string-percents-00001', tag: 'b', percent: '50' },
      ];
      o.status.traffic = o.spec.traffic;
    },
    field: /spec\.traffic\[0\]\.percent: expected a whole number from 0 to 100/,
  },
  {
    name: 'no-resource-version',
    edit: (o) => delete o.metadata.resourceVersion,
    field: /metadata\.resourceVersion: missing/,
  },
  {
    name: 'conditions-string',
    edit: (o) => (o.status.conditions = 'Ready'),
    field: /status\.conditions: expected a list/,
  },
];

const VERBS: Array<[string, string[]]> = [
  ['status', []],
  ['split', ['--percent', '50', '--yes']],
  ['promote', ['--yes']],
  ['rollout', ['--image', 'ghcr.io/x/y:v2', '--yes']],
];

describe('the built CLI against a server that is not Knative-conformant', () => {
  let server: Hostile;
  let kubeconfig: string;
  before(async () => {
    if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
      const { buildCli } = (await import(pathToFileURL(join(ROOT, 'scripts', 'build.mjs')).href)) as {
        buildCli: () => Promise<unknown>;
      };
      await buildCli();
    }
    const services: Record<string, unknown> = Object.fromEntries(BAD.map((b) => [b.name, bad(b.name, b.edit)]));
    server = await fakeKnativeServer(services);
    kubeconfig = tempFile('kubeconfig', kubeconfigFor(server, 'fake-token-0123456789'));
  });
  after(() => server?.stop());

  /** Runs the built CLI against the fake server; asserts nothing was written. */
  async function bgctl(argv: string[]) {
    server.requests.length = 0;
    const r = await runBin(argv, { env: { KUBECONFIG: kubeconfig, BGCTL_ACTOR: 'tester' } });
    assert.deepEqual(
      server.requests.filter((q) => !q.startsWith('GET ')),
      [],
      'bgctl tried to write',
    );
    assert.ok(!/TypeError|internal:|\n\s+at /.test(r.stderr), `a crash, not a report:\n${r.stderr}`);
    assert.ok(!r.stderr.includes('fake-token-0123456789'), 'the token was printed');
    return r;
  }

  for (const b of BAD) {
    for (const [verb, rest] of VERBS) {
      test(`${verb} ${b.name}: exit 4 naming the field`, async () => {
        const r = await bgctl([verb, b.name, ...rest]);
        assert.equal(r.code, 4, r.stderr);
        const errors = r.stderr.split('\n').filter((l) => l.startsWith('Error: '));
        assert.equal(errors.length, 1, r.stderr);
        assert.match(errors[0], /answered the (get|list) of services with something that is not a Knative Service: /);
        assert.match(errors[0], b.field);
        assert.equal(r.stdout, '');
      });
    }
  }

  test('a watch event that is not a Knative Service ends the watch with exit 4, and is never handed on', async () => {
    const client = await createKnativeClient({ kubeconfig, env: {} });
    const events: string[] = [];
    const err = await new Promise<BgctlError | null>((resolve) => {
      void client.watchService('traffic-abc', '1', (type) => events.push(type), resolve);
    });
    assert.deepEqual(events, []);
    assert.equal(err?.exitCode, 4);
    assert.equal(err?.reason, 'InvalidObject');
    assert.match(
      err?.message ?? '',
      /answered the watch of services with something that is not a Knative Service: a MODIFIED event: spec\.traffic: expected a list/,
    );
  });

  test('status of every service: the list names the item', async () => {
    const r = await bgctl(['status', '-o', 'json']);
    assert.equal(r.code, 4, r.stderr);
    assert.match(
      r.stderr,
      /answered the list of services with something that is not a Knative Service: items\[0\]: spec\.traffic: expected a list/,
    );
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.kind, 'Error');
    assert.equal(doc.reason, 'InvalidObject');
    assert.equal(doc.exitCode, 4);
  });

  test('an error without an explicit reason has a stable reason word in the -o json Error document', async () => {
    // The playground's port parser throws a UsageError without a reason of its own.
    const r = await bgctl(['playground', '--port', 'http', '-o', 'json']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /invalid value "http" for --port/);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.kind, 'Error');
    assert.equal(doc.reason, 'Usage');
  });
});
