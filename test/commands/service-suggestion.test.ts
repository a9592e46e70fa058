import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { usePlayground } from '../helpers/playground.js';
import { requests, sim } from '../kube/sim-helpers.js';
import { createService } from './read-setup.js';

// An unknown service gets a way out: the closest name, or the news that the namespace is missing.
describe('an unknown service suggests the closest name or says the namespace does not exist', () => {
  const pg = usePlayground({ sample: 'hello' });
  const env = () => ({ KUBECONFIG: pg.current.kubeconfigPath });
  afterEach(() => sim(pg.current, 'DELETE', 'faults'));

  test('a typo: "did you mean hello?" in the hint, same message and exit code as before', async () => {
    const r = await runCli(['status', 'helo'], { env: env() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: service "helo" not found in namespace "default"$/m);
    assert.match(r.stderr, /^Hint: did you mean hello\? \(`bgctl status -n default` lists the services\)$/m);
    const json = await runCli(['url', 'hellp', '-o', 'json'], { env: env() });
    assert.equal(JSON.parse(json.stdout).reason, 'NotFound');
    assert.match(JSON.parse(json.stdout).hint, /did you mean hello\?/);
  });

  test('a step verb gets the suggestion too (the same read)', async () => {
    const r = await runCli(['pin', 'hallo', '--yes'], { env: env() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Hint: did you mean hello\?/);
  });

  test('nothing close, or two equally close: no guess, the usual hint', async () => {
    const far = await runCli(['status', 'checkout'], { env: env() });
    assert.equal(far.code, 1);
    assert.doesNotMatch(far.stderr, /did you mean/);
    assert.match(far.stderr, /Hint: check the name and namespace/);
    await createService(pg.current, 'shop-a');
    await createService(pg.current, 'shop-b');
    const tie = await runCli(['status', 'shop-c'], { env: env() });
    assert.doesNotMatch(tie.stderr, /did you mean/, tie.stderr);
  });

  test('a namespace that does not exist is named as the problem (one LIST and one GET of the namespace more)', async () => {
    const before = (await requests(pg.current, { resource: 'namespaces' })).length;
    const r = await runCli(['status', 'hello', '-n', 'prodd'], { env: env() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: service "hello" not found: namespace "prodd" does not exist$/m);
    assert.match(r.stderr, /^Hint: pass an existing namespace with -n/m);
    const json = await runCli(['status', 'hello', '-n', 'prodd', '-o', 'json'], { env: env() });
    assert.equal(JSON.parse(json.stdout).reason, 'NamespaceNotFound');
    const gets = (await requests(pg.current, { resource: 'namespaces' })).slice(before);
    assert.equal(gets.length, 2, 'one GET of the namespace per run');
    assert.ok(gets.every((g) => g.verb === 'get' && g.name === 'prodd' && g.code === 404));
  });

  test('an existing namespace without services says so', async () => {
    await createService(pg.current, 'lonely', { ns: 'team-b' });
    const registry = pg.current.registry;
    registry.delete(registry.resource('services', 'serving.knative.dev')!, 'team-b', 'lonely', { user: 'tester' });
    const r = await runCli(['status', 'hello', '-n', 'team-b'], { env: env() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: service "hello" not found in namespace "team-b"$/m);
    assert.match(r.stderr, /^Hint: namespace "team-b" has no Knative services; pick another with -n$/m);
  });

  test('when the namespace cannot be read the hint stays the usual one (the server does not tell)', async () => {
    await sim(pg.current, 'POST', 'faults', { errorProbability: 1, verbs: ['get'], resources: ['namespaces'] });
    const r = await runCli(['status', 'hello', '-n', 'elsewhere'], { env: env() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: service "hello" not found in namespace "elsewhere"$/m);
    assert.match(r.stderr, /^Hint: check the name and namespace/m);
  });

  test('when the services cannot be listed the original error stands', async () => {
    await sim(pg.current, 'POST', 'faults', { errorProbability: 1, verbs: ['list'], resources: ['services'] });
    const r = await runCli(['status', 'helo', '--request-timeout', '2s'], { env: env() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: service "helo" not found in namespace "default"$/m);
    assert.doesNotMatch(r.stderr, /did you mean/);
  });

  test('a bad tag suggests a valid one', async () => {
    const r = await runCli(['stage', 'hello', '--tag', 'V2_bad', '--yes'], { env: env() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^Error: invalid tag "V2_bad"/m);
    assert.match(
      r.stderr,
      /^Hint: did you mean "v2-bad"\? A tag is lower case letters, digits and '-', starting with a letter$/m,
    );
  });
});
