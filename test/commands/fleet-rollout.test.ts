// Fleet rollouts and the fleet status over three playground clusters (startPlaygrounds(3)), through main() and the
// real client-node: targets by label selector across contexts, waves, a failure that stops the fleet, --resume of a
// fleet, and a context that cannot be reached.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { startPlaygrounds, type Playgrounds } from '../../src/sim/playground.js';
import type { Playground } from '../../src/sim/playground.js';
import { readState } from '../../src/core/state.js';
import { runCli } from '../helpers/cli.js';
import { createFleetService, stored } from '../helpers/fleet.js';
import { sim } from '../kube/sim-helpers.js';
import { untilChange } from '../sim/wait.js';

const ALL = 'playground-1,playground-2,playground-3';

describe('fleet rollouts across three clusters', () => {
  let pgs: Playgrounds;
  let dir: string;
  before(async () => {
    pgs = await startPlaygrounds(3, { sample: 'hello' });
    dir = mkdtempSync(join(tmpdir(), 'bgctl-fleet-'));
    const [one, two, three] = pgs.clusters;
    await Promise.all([
      ...pgs.clusters.map((c) => createFleetService(c, 'cart', { app: 'shop' })),
      ...pgs.clusters.map((c) => createFleetService(c, 'web', { app: 'web' })),
      createFleetService(one, 'pay-a', { team: 'pay' }),
      createFleetService(two, 'pay-b', { team: 'pay' }),
      // Its new revision takes long to start: it is still in flight when pay-b fails.
      createFleetService(two, 'pay-c', { team: 'pay' }, { 'sim.bgctl.dev/ready-after': '8s' }),
      createFleetService(three, 'pay-d', { team: 'pay' }),
    ]);
  });
  after(async () => {
    await pgs?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const env = () => ({ KUBECONFIG: pgs.kubeconfigPath, BGCTL_ACTOR: 'tester' });
  const cli = (...argv: string[]) => runCli(argv, { env: env() });
  // Only for contexts the fleet visits: one it does not is a usage error.
  const ingressFlags = (clusters = pgs.clusters) =>
    clusters.flatMap((c) => ['--context-ingress', `${c.context}=${c.ingress}`]);

  test('status -l app=shop over three contexts: one row per target, and a FleetStatus document', async () => {
    const table = await cli('status', '-l', 'app=shop', '--context', ALL);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trim().split('\n');
    assert.match(lines[0], /^CONTEXT\s+NAMESPACE\s+SERVICE\s+PHASE\s+CANDIDATE\s+READY/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3).join(' ')),
      ['playground-1 default cart', 'playground-2 default cart', 'playground-3 default cart'],
    );
    const json = await cli('status', '-l', 'app=shop', '--context', ALL, '-o', 'json');
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout);
    assert.equal(doc.kind, 'FleetStatus');
    assert.deepEqual(
      doc.items.map((i: any) => [i.context, i.service, i.ready, i.candidatePercent]),
      [
        ['playground-1', 'cart', 'True', 0],
        ['playground-2', 'cart', 'True', 0],
        ['playground-3', 'cart', 'True', 0],
      ],
    );
    assert.deepEqual(doc.unreachable, []);
  });

  test('one SERVICE with several contexts: status finds it in each', async () => {
    const r = await cli('status', 'hello', '--context', 'playground-3,playground-1', '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).items.map((i: any) => `${i.context}/${i.service}`),
      ['playground-3/hello', 'playground-1/hello'],
    );
  });

  test('a fleet rollout with --image-tag is promoted everywhere; each record carries the fleet id', async () => {
    const r = await cli(
      'rollout',
      '-l',
      'app=shop',
      '--context',
      ALL,
      '--image-tag',
      'v2',
      '--expect-body',
      'Hello from cart-00002',
      '--requests',
      '2',
      ...ingressFlags(),
      '--yes',
      '-o',
      'json',
    );
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.kind, 'FleetRollout');
    assert.equal(doc.outcome, 'completed');
    assert.match(doc.fleet, /^fleet-[0-9]{14}-[0-9a-f]+$/);
    assert.deepEqual(
      doc.targets.map((t: any) => [t.context, t.service, t.outcome, t.phase, t.revision]),
      pgs.clusters.map((c) => [c.context, 'cart', 'promoted', 'promoted', 'cart-00002']),
    );
    for (const c of pgs.clusters) {
      const svc = stored(c, 'cart');
      assert.equal(readState(svc).state?.fleet, doc.fleet, c.context);
      assert.equal(svc.spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v2', c.context);
    }
    // In a pipe, one line per target phase change on stderr.
    assert.match(r.stderr, /playground-2\/default\/cart: staged/);
    assert.match(r.stderr, /playground-3\/default\/cart: promoted/);
  });

  test('a failed verification stops the fleet: in flight aborted, the rest untouched, exit 3', async () => {
    const r = await cli(
      'rollout',
      '-l',
      'team=pay',
      '--context',
      ALL,
      '--image',
      'ghcr.io/bgctl/hello:v2',
      // pay-b answers "Hello from pay-b-00002": only pay-b fails its check.
      '--expect-body',
      'Hello from pay-[acd]-00002',
      '--requests',
      '2',
      '--max-parallel',
      '2',
      ...ingressFlags(),
      '--yes',
      '-o',
      'json',
    );
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.outcome, 'failed');
    const by = Object.fromEntries(doc.targets.map((t: any) => [t.service, t]));
    assert.equal(by['pay-a'].outcome, 'promoted');
    assert.equal(by['pay-b'].outcome, 'failed');
    assert.equal(by['pay-b'].phase, 'rolled-back');
    assert.equal(by['pay-b'].exitCode, 3);
    assert.equal(by['pay-c'].outcome, 'aborted');
    assert.equal(by['pay-c'].phase, 'aborted');
    assert.equal(by['pay-d'].outcome, 'not-started');
    const [, two, three] = pgs.clusters;
    assert.equal(readState(stored(two, 'pay-c')).state?.phase, 'aborted');
    assert.equal(readState(stored(three, 'pay-d')).state, undefined, 'pay-d was never touched');
    assert.equal(stored(three, 'pay-d').spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v1');
    assert.match(r.stderr, /fleet fleet-\S+ stopped: playground-2\/default\/pay-b/);
  });

  test("a stop before a target's first write reports it not started, though an older rollout left it promoted", async () => {
    const [one, two] = pgs.clusters;
    await Promise.all([
      createFleetService(one, 'late-a', { team: 'late' }, { 'sim.bgctl.dev/error-rate': '1' }),
      createFleetService(two, 'late-b', { team: 'late' }),
    ]);
    const older = await cli(
      'rollout',
      'late-b',
      '--context',
      'playground-2',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--no-verify',
      '--yes',
    );
    assert.equal(older.code, 0, older.stderr);
    const olderState = readState(stored(two, 'late-b')).state;
    assert.equal(olderState?.phase, 'promoted');
    // playground-2 answers every request after 4 s: late-b is still in its first read when late-a fails its check.
    const kc = yaml.load(pgs.kubeconfig) as any;
    const asPlayground = { ...two, kubeconfig: yaml.dump({ clusters: [kc.clusters[1]] }) } as unknown as Playground;
    await sim(asPlayground, 'POST', 'faults', { latencyMs: 4000 });
    try {
      const r = await cli(
        'rollout',
        '-l',
        'team=late',
        '--context',
        'playground-1,playground-2',
        '--image',
        'ghcr.io/bgctl/hello:v3',
        '--first-wave',
        '2',
        '--requests',
        '2',
        ...ingressFlags([one, two]),
        '--yes',
        '-o',
        'json',
      );
      assert.equal(r.code, 3, r.stderr);
      const by = Object.fromEntries(JSON.parse(r.stdout).targets.map((t: any) => [t.service, t]));
      assert.equal(by['late-a'].outcome, 'failed');
      assert.equal(by['late-b'].outcome, 'not-started', JSON.stringify(by['late-b']));
      assert.equal(by['late-b'].exitCode, undefined, 'the refused abort is no failure of the target');
      assert.equal(readState(stored(two, 'late-b')).state?.id, olderState?.id, 'late-b was never written');
    } finally {
      await sim(asPlayground, 'DELETE', 'faults');
    }
  });

  test('--until staged pauses every target (exit 8); --resume of the fleet promotes them all', async () => {
    const paused = await cli(
      'rollout',
      '-l',
      'app=web',
      '--context',
      ALL,
      '--image-tag',
      'v3',
      '--until',
      'staged',
      '--no-verify',
      '--yes',
      '-o',
      'json',
    );
    assert.equal(paused.code, 8, paused.stderr);
    const first = JSON.parse(paused.stdout);
    assert.deepEqual(
      first.targets.map((t: any) => `${t.outcome}:${t.phase}`),
      ['paused:staged', 'paused:staged', 'paused:staged'],
    );
    const status = JSON.parse((await cli('status', '-l', 'app=web', '--context', ALL, '-o', 'json')).stdout);
    assert.deepEqual(
      status.items.map((i: any) => `${i.phase}:${i.fleet}`),
      Array(3).fill(`staged:${first.fleet}`),
    );
    const resumed = await cli(
      'rollout',
      '-l',
      'app=web',
      '--context',
      ALL,
      '--resume',
      '--no-verify',
      '--yes',
      '-o',
      'json',
    );
    assert.equal(resumed.code, 0, resumed.stderr);
    const doc = JSON.parse(resumed.stdout);
    assert.equal(doc.fleet, first.fleet);
    assert.equal(doc.action, 'resume');
    assert.deepEqual(
      doc.targets.map((t: any) => `${t.context}:${t.outcome}:${t.phase}`),
      pgs.clusters.map((c) => `${c.context}:promoted:promoted`),
    );
    for (const c of pgs.clusters)
      assert.equal(stored(c, 'web').spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v3');
    // Nothing open any more: a second --resume skips every target and says so.
    const again = await cli('rollout', '-l', 'app=web', '--context', ALL, '--resume', '--yes', '-o', 'json');
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(
      JSON.parse(again.stdout).targets.map((t: any) => t.outcome),
      ['skipped', 'skipped', 'skipped'],
    );
  });

  test('on a terminal the progress is one line per target, redrawn in place', async () => {
    const r = await runCli(
      ['rollout', 'cart', '--context', 'playground-1,playground-2', '--image-tag', 'v4', '--no-verify', '--yes'],
      { env: env(), tty: true, width: 120 },
    );
    /* eslint-disable no-control-regex -- the in-place redraw is made of escape sequences */
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\u001b\[2KCONTEXT\s+NAMESPACE\s+SERVICE\s+STATUS/);
    assert.match(r.stderr, /\u001b\[2Kplayground-2\s+default\s+cart\s+promoted/);
    assert.match(r.stderr, /\u001b\[\d+A/, 'the block is redrawn over itself');
    assert.doesNotMatch(r.stderr, /playground-1\/default\/cart: /, 'no pipe lines on a terminal');
    assert.match(r.stdout, /^CONTEXT\s+NAMESPACE\s+SERVICE\s+OUTCOME/);
    /* eslint-enable no-control-regex */
  });

  test("--dry-run plans each target's next step in its wave and writes nothing; --render is refused", async () => {
    const versions = () => pgs.clusters.map((c) => stored(c, 'cart').metadata.resourceVersion);
    const before = versions();
    const r = await cli('rollout', '-l', 'app=shop', '--context', ALL, '--image-tag', 'v9', '--dry-run', '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.kind, 'FleetPlan');
    assert.equal(doc.dryRun, true);
    assert.deepEqual(
      doc.targets.map((t: any) => [t.wave, t.context, t.service, t.phase, t.image, t.plan.kind]),
      pgs.clusters.map((c, i) => [
        i === 0 ? 1 : 2,
        c.context,
        'cart',
        'deployed',
        'ghcr.io/bgctl/hello:v9',
        'TrafficPlan',
      ]),
    );
    assert.equal(doc.targets[0].plan.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v9');
    assert.deepEqual(versions(), before, 'nothing was written');
    const table = await cli('rollout', '-l', 'app=shop', '--context', ALL, '--image-tag', 'v9', '--dry-run');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^WAVE\s+CONTEXT\s+NAMESPACE\s+SERVICE\s+NEXT STEP\s+PHASE\s+IMAGE/);
    assert.match(table.stdout, /^2\s+playground-3\s+default\s+cart\s+\S+\s+deployed\s+ghcr\.io\/bgctl\/hello:v9/m);
    assert.match(table.stderr, /Dry run: nothing was changed; 3 target\(s\)/);
    assert.deepEqual(versions(), before, 'nothing was written');
    const server = await cli(
      'rollout',
      'cart',
      '--context',
      ALL,
      '--image-tag',
      'v9',
      '--dry-run=server',
      '-o',
      'json',
    );
    assert.equal(server.code, 0, server.stderr);
    assert.deepEqual(
      JSON.parse(server.stdout).targets.map((t: any) => [t.plan.dryRunMode, t.plan.serverAccepted]),
      Array(3).fill(['server', true]),
    );
    assert.deepEqual(versions(), before, 'nothing was written');
    const render = await cli('rollout', '-l', 'app=shop', '--context', ALL, '--image-tag', 'v9', '--render');
    assert.equal(render.code, 2, render.stderr);
    assert.match(render.stderr, /--render writes the manifest of one service: a fleet has many/);
  });

  /** The playground's kubeconfig plus a context `dead` whose server is a closed port. */
  async function withDeadContext(): Promise<string> {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const kc = yaml.load(pgs.kubeconfig) as any;
    kc.clusters.push({ name: 'dead', cluster: { ...kc.clusters[0].cluster, server: `https://127.0.0.1:${port}` } });
    kc.contexts.push({ name: 'dead', context: { cluster: 'dead', user: kc.users[0].name, namespace: 'default' } });
    const file = join(dir, 'with-dead');
    writeFileSync(file, yaml.dump(kc), { mode: 0o600 });
    return file;
  }

  test('a context on a closed port is reported for that context; none reachable is exit 4', async () => {
    const file = await withDeadContext();
    const run = (...argv: string[]) => runCli([...argv, '--request-timeout', '2s'], { env: { KUBECONFIG: file } });
    const r = await run('status', '-l', 'app=shop', '--context', 'dead,playground-1', '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(
      doc.items.map((i: any) => i.context),
      ['playground-1'],
    );
    assert.deepEqual(
      doc.unreachable.map((u: any) => u.context),
      ['dead'],
    );
    const none = await run('rollout', 'hello', '--context', 'dead', '--all-namespaces', '--image', 'x/y:v2', '--yes');
    assert.equal(none.code, 4, none.stderr);
    assert.match(none.stderr, /no context could be reached: dead/);
    assert.ok(!none.stderr.includes(pgs.clusters[0].token));
  });

  test('one context unreachable, the others promoted: exit 4 once the reachable targets are done', async () => {
    const file = await withDeadContext();
    const r = await runCli(
      [
        'rollout',
        'hello',
        '--context',
        'playground-2,dead,playground-3',
        '--image',
        'ghcr.io/bgctl/hello:v5',
        '--no-verify',
        '--yes',
        '--request-timeout',
        '2s',
        '-o',
        'json',
      ],
      { env: { KUBECONFIG: file, BGCTL_ACTOR: 'tester' } },
    );
    assert.equal(r.code, 4, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.kind, 'FleetRollout');
    assert.equal(doc.outcome, 'failed');
    assert.deepEqual(
      doc.targets.map((t: any) => `${t.context}/${t.service}:${t.outcome}:${t.phase}`),
      ['playground-2/hello:promoted:promoted', 'playground-3/hello:promoted:promoted'],
    );
    assert.deepEqual(
      doc.unreachable.map((u: any) => u.context),
      ['dead'],
    );
    const [one, two, three] = pgs.clusters;
    for (const c of [two, three]) {
      const svc = stored(c, 'hello');
      assert.equal(readState(svc).state?.phase, 'promoted', c.context);
      assert.equal(readState(svc).state?.fleet, doc.fleet, c.context);
      assert.equal(svc.spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v5', c.context);
    }
    assert.equal(readState(stored(one, 'hello')).state, undefined, 'playground-1 was not a target');
    assert.match(r.stderr, /Warning: context dead not reached/);
    assert.match(r.stderr, /Error: fleet fleet-\S+: 1 context\(s\) could not be reached/);
    assert.ok(!r.stderr.includes(one.token));
  });
  test('--context-ingress naming a context the fleet does not visit is a usage error (exit 2), nothing written', async () => {
    const [one, two, three] = pgs.clusters;
    const images = pgs.clusters.map((c) => stored(c, 'cart').spec.template.spec.containers[0].image);
    for (const dryRun of [[], ['--dry-run']]) {
      const r = await cli(
        'rollout',
        '-l',
        'app=shop',
        '--context',
        `${one.context},${two.context}`,
        '--image-tag',
        'v9',
        '--context-ingress',
        `${one.context}=${one.ingress}`,
        '--context-ingress',
        `${three.context}=${three.ingress}`,
        // A name with a control character reaches the terminal escaped.
        '--context-ingress',
        'evil\x1b]0;pwned\x07=127.0.0.1:9',
        ...(dryRun.length ? dryRun : ['--yes']),
      );
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /--context-ingress names "playground-3", "evil\\x1b\]0;pwned\\x07": not a context this rollout visits/,
      );
      assert.match(r.stderr, /Hint: the contexts it visits: "playground-1", "playground-2"\n/);
      assert.ok(!r.stderr.includes('\x1b'), r.stderr);
      assert.equal(r.stdout, '');
    }
    const json = await cli(
      'rollout',
      '-l',
      'app=shop',
      '--context',
      one.context,
      '--image-tag',
      'v9',
      '--context-ingress',
      `${three.context}=${three.ingress}`,
      '--yes',
      '-o',
      'json',
    );
    assert.equal(json.code, 2, json.stderr);
    const doc = JSON.parse(json.stdout);
    assert.deepEqual([doc.kind, doc.reason, doc.exitCode], ['Error', 'UnknownContext', 2]);
    assert.equal(doc.hint, 'the contexts it visits: "playground-1"');
    assert.deepEqual(
      pgs.clusters.map((c) => stored(c, 'cart').spec.template.spec.containers[0].image),
      images,
    );
  });

  test('--all-contexts targets every context of the kubeconfig', async () => {
    const r = await cli('status', '-l', 'app=shop', '--all-contexts', '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).items.map((i: any) => `${i.context}/${i.service}`),
      pgs.clusters.map((c) => `${c.context}/cart`),
    );
  });

  test('a forbidden context (403) is reported for that context, not a crash; the rest are shown', async () => {
    const kc = yaml.load(pgs.kubeconfig) as any;
    // The least Role of docs/in-cluster.md: -A (the cluster scope) is refused to it.
    kc.users.push({ name: 'least', user: { token: pgs.clusters[0].leastRoleToken } });
    kc.contexts.push({ name: 'denied', context: { cluster: kc.contexts[0].context.cluster, user: 'least' } });
    const file = join(dir, 'with-denied');
    writeFileSync(file, yaml.dump(kc), { mode: 0o600 });
    const r = await runCli(['status', '-l', 'app=shop', '-A', '--context', 'denied,playground-2', '-o', 'json'], {
      env: { KUBECONFIG: file },
    });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(
      doc.items.map((i: any) => i.context),
      ['playground-2'],
    );
    assert.deepEqual(
      doc.unreachable.map((u: any) => u.context),
      ['denied'],
    );
    assert.match(JSON.stringify(doc.unreachable[0]), /forbidden/i);
    assert.ok(!(r.stdout + r.stderr).includes(pgs.clusters[0].leastRoleToken));
  });

  test('Ctrl-C during a fleet: exit 130, the open target stays resumable, and --resume of the fleet finishes it', async () => {
    const [one] = pgs.clusters;
    const stop = new AbortController();
    const running = runCli(
      ['rollout', 'web', '--context', ALL, '--image-tag', 'v7', '--no-verify', '--pause', '10m', '--yes', '-o', 'json'],
      { env: env(), signal: stop.signal },
    );
    await untilChange(
      one.registry,
      () => {
        const st = readState(stored(one, 'web')).state;
        return st?.phase === 'split' && stored(one, 'web').spec.template.spec.containers[0].image.endsWith(':v7');
      },
      'the first wave at its split',
    );
    stop.abort('SIGINT');
    const r = await running;
    assert.equal(r.code, 130, r.stderr);
    const st = readState(stored(one, 'web')).state;
    assert.equal(st?.phase, 'split', 'a cancel neither promotes nor undoes');
    assert.ok(st?.fleet);
    const resumed = await cli('rollout', 'web', '--context', ALL, '--resume', '--yes', '-o', 'json');
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(readState(stored(one, 'web')).state?.phase, 'promoted');
  });
});
