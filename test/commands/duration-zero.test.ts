// `0` and `0s` are the same duration for every flag (Go and kubectl accept a bare 0). --timeout 0
// checks what the write answered and does not wait (exit 6 unless already done); --request-timeout 0
// means no limit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { cliEnv, createReadyService, specTraffic } from './step-helpers.js';

describe('a zero duration', () => {
  const pg = usePlayground();

  for (const zero of ['0', '0s']) {
    test(`pin --timeout ${zero} writes, then does not wait: exit 6 at once`, async () => {
      const name = `zero-${zero === '0' ? 'bare' : 'unit'}`;
      await createReadyService(pg.current, name);
      const r = await runCli(['pin', name, '--yes', '--timeout', zero], { env: cliEnv(pg.current) });
      assert.equal(r.code, 6, r.stderr);
      assert.match(r.stderr, new RegExp(`^Error: timed out after 0ms waiting for service "${name}"`, 'm'));
      assert.deepEqual(
        specTraffic(pg.current, name).map((t) => [t.revisionName, t.percent]),
        [[`${name}-00001`, 100]],
        'the pin was written',
      );
    });

    test(`--request-timeout ${zero} sets no limit`, async () => {
      await createReadyService(pg.current, `rt-${zero === '0' ? 'bare' : 'unit'}`);
      const r = await runCli(
        ['status', `rt-${zero === '0' ? 'bare' : 'unit'}`, '--request-timeout', zero, '-o', 'json'],
        { env: cliEnv(pg.current) },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).kind, 'ServiceStatus');
    });
  }
});
