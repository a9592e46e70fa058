import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { usePlayground } from '../helpers/playground.js';
import { applyIntent, stagedService } from './read-setup.js';
import { run as runUrl } from '../../src/commands/url/run.js';
import type { CommandContext } from '../../src/commands/context.js';
import { createKnativeClient } from '../../src/kube/client.js';
import { IOStreams } from '../../src/ui/iostreams.js';
import { FakePrompter } from '../helpers/fake-prompter.js';

describe('bgctl url and bgctl history', () => {
  const pg = usePlayground({ sample: 'hello' });
  const env = () => ({ KUBECONFIG: pg.current.kubeconfigPath });

  test('url: the main URL, one line', async () => {
    const r = await runCli(['url', 'hello'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'http://hello.default.example.com\n');
    assert.equal(r.stderr, '');
    const json = await runCli(['url', 'hello', '-o', 'json'], { env: env() });
    assert.deepEqual(JSON.parse(json.stdout), {
      apiVersion: 'bgctl.dev/v1',
      kind: 'ServiceURL',
      service: 'hello',
      namespace: 'default',
      url: 'http://hello.default.example.com',
    });
  });

  test('url --tag: the tag URL; an unknown tag lists the known ones (exit 1)', async () => {
    await stagedService(pg.current, 'web', { now: '2026-01-02T03:04:05.000Z' });
    const r = await runCli(['url', 'web', '--tag', 'candidate'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'http://candidate-web.default.example.com\n');
    const yaml = await runCli(['url', 'web', '--tag', 'stable', '-o', 'yaml'], { env: env() });
    assert.equal(
      yaml.stdout,
      'apiVersion: bgctl.dev/v1\nkind: ServiceURL\nnamespace: default\nservice: web\ntag: stable\nurl: http://stable-web.default.example.com\n',
    );
    const unknown = await runCli(['url', 'web', '--tag', 'v9'], { env: env() });
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stdout, '');
    assert.equal(
      unknown.stderr,
      'Error: service "web" has no tag "v9" (its tags: stable, candidate)\nHint: pass one of them with --tag\n',
    );
    const none = await runCli(['url', 'hello', '--tag', 'v2'], { env: env() });
    assert.equal(none.code, 1);
    assert.match(
      none.stderr,
      /^Error: service "hello" has no tag "v2" \(it has no tags\)\nHint: stage a candidate under a tag first: bgctl stage hello\n$/,
    );
    const bad = await runCli(['url', 'web', '--tag', 'Not_A_Tag'], { env: env() });
    assert.equal(bad.code, 2);
  });

  test('history: nothing recorded yet', async () => {
    const r = await runCli(['history', 'hello'], { env: env() });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'No rollouts recorded on service hello. Start one with: bgctl rollout hello\n');
    const json = await runCli(['history', 'hello', '-o', 'json'], { env: env() });
    assert.deepEqual(JSON.parse(json.stdout), {
      apiVersion: 'bgctl.dev/v1',
      kind: 'RolloutHistory',
      service: 'hello',
      namespace: 'default',
      items: [],
      errors: [],
    });
  });

  test('history: the open rollout first (marked *), then past ones (golden)', async () => {
    await applyIntent(pg.current, 'web', { kind: 'abort', reason: 'smoke test failed' }, '2026-01-02T03:10:00.000Z');
    await applyIntent(pg.current, 'web', { kind: 'stage', tag: 'v2' }, '2026-01-03T08:00:00.000Z');
    await applyIntent(pg.current, 'web', { kind: 'split', percent: 50 }, '2026-01-03T08:05:00.000Z');
    const r = await runCli(['history', 'web'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        '  ID                   PHASE     STABLE      CANDIDATE   TAGS                  BY      STARTED                    UPDATED                    REASON',
        '* web-20260103080000   split     web-00001   web-00002   stable -> v2          alice   2026-01-03T08:00:00.000Z   2026-01-03T08:05:00.000Z',
        '  web-20260102030405   aborted   web-00001   web-00002   stable -> candidate   alice   2026-01-02T03:04:05.000Z   2026-01-02T03:10:00.000Z   smoke test failed',
        '',
      ].join('\n'),
    );
    const json = await runCli(['history', 'web', '-o', 'json'], { env: env() });
    const doc = JSON.parse(json.stdout);
    assert.equal(doc.kind, 'RolloutHistory');
    assert.deepEqual(
      doc.items.map((i: any) => [
        i.id,
        i.phase,
        i.stable.revisionName,
        i.candidate.revisionName,
        i.candidate.tag,
        i.startedBy,
      ]),
      [
        ['web-20260103080000', 'split', 'web-00001', 'web-00002', 'v2', 'alice'],
        ['web-20260102030405', 'aborted', 'web-00001', 'web-00002', 'candidate', 'alice'],
      ],
    );
  });

  test('history: with no rollout open there is no marker gutter, lines start with the id (golden)', async () => {
    await applyIntent(pg.current, 'web', { kind: 'promote' }, '2026-01-03T08:20:00.000Z');
    const r = await runCli(['history', 'web'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'ID                   PHASE      STABLE      CANDIDATE   TAGS                  BY      STARTED                    UPDATED                    REASON',
        'web-20260103080000   promoted   web-00001   web-00002   stable -> v2          alice   2026-01-03T08:00:00.000Z   2026-01-03T08:20:00.000Z',
        'web-20260102030405   aborted    web-00001   web-00002   stable -> candidate   alice   2026-01-02T03:04:05.000Z   2026-01-02T03:10:00.000Z   smoke test failed',
        '',
      ].join('\n'),
    );
  });

  test('history: an unreadable annotation is a warning, the rest still shows', async () => {
    const def = pg.current.registry.resource('services', 'serving.knative.dev')!;
    pg.current.registry.patch(
      def,
      'default',
      'hello',
      'merge',
      { metadata: { annotations: { 'bgctl.dev/history': '{oops' } } },
      { user: 'tester' },
    );
    const r = await runCli(['history', 'hello'], { env: env() });
    assert.equal(r.code, 0);
    assert.match(r.stderr, /^Warning: annotation bgctl\.dev\/history on service "hello" is not valid: not JSON/);
    const json = await runCli(['history', 'hello', '-o', 'json'], { env: env() });
    const doc = JSON.parse(json.stdout);
    assert.deepEqual(doc.items, []);
    assert.match(doc.errors[0], /bgctl\.dev\/history/);
  });

  test('without SERVICE on a terminal, the service is picked from a list', async () => {
    const io = IOStreams.test({ stdinTTY: true, stdoutTTY: true, stderrTTY: true });
    const prompter = new FakePrompter({ Service: 'web' });
    const ctx: CommandContext = {
      io,
      globals: { output: 'table', verbose: false },
      signal: new AbortController().signal,
      kube: () => createKnativeClient({ kubeconfig: pg.current.kubeconfigPath, env: {} }),
      prompter: () => prompter,
      now: () => new Date(),
    };
    await runUrl({}, ctx);
    assert.equal(io.stdout, 'http://web.default.example.com\n');
    assert.deepEqual(
      prompter.asked.map((a) => [a.kind, a.message]),
      [['search', 'Service']],
    );
  });
});
