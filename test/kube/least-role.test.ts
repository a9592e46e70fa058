// docs/in-cluster.md's least Role is enough for bgctl: the playground enforces it for one token the way RBAC does
// (on request attributes, before routing, so an API the cluster does not serve is 403 for that user), and a
// rollout, status, history and rollback all work under it. Forbidden to list Flagger canaries, bgctl asks
// discovery whether Flagger exists at all, so a cluster without Flagger gets no "could not tell" note.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { startPlayground, type Playground } from '../helpers/playground.js';
import { createReadyService } from '../commands/step-helpers.js';
import { kubeconfigVariant, requests, sim } from './sim-helpers.js';

const asLeast = (pg: Playground) => kubeconfigVariant(pg, (d) => (d.users[0].user.token = pg.leastRoleToken));

describe('the least Role of docs/in-cluster.md', () => {
  let pg: Playground;
  let flagger: Playground;
  before(async () => {
    pg = await startPlayground({});
    flagger = await startPlayground({ flagger: true });
  });
  after(async () => {
    await pg?.stop();
    await flagger?.stop();
  });

  test('a whole rollout, status, history and a rollback work with only its rules', async () => {
    await createReadyService(pg, 'least');
    const env = { KUBECONFIG: asLeast(pg), BGCTL_INGRESS: pg.ingress, BGCTL_ACTOR: 'least' };
    await sim(pg, 'DELETE', 'requests');
    const r = await runCli(['rollout', 'least', '--image', 'ghcr.io/bgctl/hello:v2', '--requests', '2', '--yes'], {
      env,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /could not tell whether a Flagger canary/);
    for (const argv of [
      ['status', 'least'],
      ['history', 'least'],
      ['rollback', 'least', '--yes'],
    ]) {
      const other = await runCli(argv, { env });
      assert.equal(other.code, 0, `${argv.join(' ')}: ${other.stderr}`);
    }
    const denied = (await requests(pg)).filter((x) => x.code === 403);
    // Only the lookups bgctl is built to live without were refused: the canary list (then discovery said 404).
    assert.deepEqual([...new Set(denied.map((x) => `${x.verb} ${x.resource}`))], ['list canaries']);
  });

  test('the user is refused what the Role does not grant, even where the API does not exist (RBAC before routing)', async () => {
    const env = { KUBECONFIG: asLeast(pg) };
    // A Role grants within its namespace: every namespace at once is the cluster scope.
    const all = await runCli(['status', '-A'], { env });
    assert.equal(all.code, 4, all.stderr);
    assert.match(
      all.stderr,
      /services\.serving\.knative\.dev is forbidden: User "bgctl-least" cannot list resource "services" in API group "serving\.knative\.dev" at the cluster scope/,
    );
    await sim(pg, 'DELETE', 'requests');
    await runCli(['status', 'least'], { env });
    await runCli(['pin', 'least', '--yes'], { env });
    const canary = (await requests(pg)).find((x) => x.resource === 'canaries');
    assert.equal(canary?.code, 403, 'a group the cluster does not serve is still 403 for this user');
  });

  test('with Flagger installed and the list refused, the plan says bgctl could not tell', async () => {
    await createReadyService(flagger, 'watched');
    const r = await runCli(['pin', 'watched', '--yes'], { env: { KUBECONFIG: asLeast(flagger) } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /could not tell whether a Flagger canary drives service "watched" \(not allowed to list canaries\.flagger\.app/,
    );
  });
});
