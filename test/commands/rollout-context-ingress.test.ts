// A rollout of one context takes --context-ingress as a fleet does: the address given for its own context is the
// ingress of its tag URL checks, and an address for any other context (a typo) is refused before anything is
// written.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { cliEnv, createReadyService, getService } from './step-helpers.js';

describe('bgctl rollout SERVICE --context-ingress (one context)', () => {
  const pg = usePlayground();
  const cli = (...argv: string[]) => runCli(argv, { env: cliEnv(pg.current) });

  test("its own context's address is the ingress of the tag URL checks", async () => {
    await createReadyService(pg.current, 'own');
    const { context, ingress } = pg.current;
    const r = await cli(
      'rollout',
      'own',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--context-ingress',
      `${context}=${ingress}`,
      '--yes',
      '-o',
      'json',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).phase, 'promoted');
  });

  test('an address for another context is a usage error and nothing is written', async () => {
    await createReadyService(pg.current, 'stray');
    const before = getService(pg.current, 'stray').metadata.resourceVersion;
    const r = await cli(
      'rollout',
      'stray',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--context-ingress',
      'prod=127.0.0.1:1',
      '--yes',
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--context-ingress names "prod": not a context this rollout visits/);
    assert.equal(getService(pg.current, 'stray').metadata.resourceVersion, before);
  });
});
