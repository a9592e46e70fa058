// Knative >= 1.9 answers every write of a pod template with the insecure-securityContext warning
// (k8s_validation.go warnDefaultContainerSecurityContext); the apiserver relays it as a
// `Warning: 299 - "..."` header. The playground does the same, and bgctl prints it once.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { securityContextWarnings } from '../../../src/sim/knative/security-warnings.js';
import { parseWarningHeader } from '../../../src/kube/trace.js';
import { usePlayground } from '../../helpers/playground.js';
import { runCli } from '../../helpers/cli.js';
import { cliEnv, createReadyService } from '../../commands/step-helpers.js';

const P = 'spec.template.spec.containers[0].securityContext';
export const INSECURE_WARNING = `Kubernetes default value is insecure, Knative may default this to secure in a future release: ${P}.allowPrivilegeEscalation, ${P}.capabilities, ${P}.runAsNonRoot, ${P}.seccompProfile`;

describe('insecure securityContext warnings', () => {
  test('every default left insecure is named, paths sorted and merged into one warning', () => {
    assert.deepEqual(securityContextWarnings({ containers: [{ image: 'x' }] }, 'spec.template.spec'), [
      INSECURE_WARNING,
    ]);
  });

  test('a restricted securityContext (or the pod-level part of it) warns about nothing', () => {
    const restricted = {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      seccompProfile: { type: 'RuntimeDefault' },
      capabilities: { drop: ['ALL'] },
    };
    assert.deepEqual(
      securityContextWarnings({ containers: [{ image: 'x', securityContext: restricted }] }, 'spec'),
      [],
    );
    assert.deepEqual(
      securityContextWarnings(
        {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            { image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } },
          ],
        },
        'spec',
      ),
      [],
    );
  });

  test('Warning header values are split on their quoted texts, commas inside kept', () => {
    assert.deepEqual(parseWarningHeader(`299 - "a, b", 299 - "c \\"q\\""`), ['a, b', 'c "q"']);
    assert.deepEqual(parseWarningHeader(undefined), []);
  });

  describe('over HTTPS', () => {
    const pg = usePlayground();
    test("the header reaches client-node over HTTPS: bgctl prints the warning of its write once, in kubectl's words", async () => {
      const def = pg.current.registry.resource('services', 'serving.knative.dev')!;
      pg.current.registry.create(
        def,
        'default',
        {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          metadata: { name: 'warned' },
          spec: { template: { spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v1' }] } } },
        },
        { user: 'system:admin' },
      );
      const r = await runCli(['pin', 'warned', '--yes', '--timeout', '60s'], { env: cliEnv(pg.current) });
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('Warning: '));
      assert.deepEqual(lines, [`Warning: ${INSECURE_WARNING}`]);
    });

    test('a whole rollout shows the warning once, and a refused write shows it too (the webhook warns before it refuses)', async () => {
      await createReadyService(pg.current, 'warned2');
      const warnings = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('Warning: '));
      const rollout = await runCli(
        ['rollout', 'warned2', '--image', 'ghcr.io/bgctl/hello:v2', '--no-verify', '--yes', '--timeout', '60s'],
        { env: cliEnv(pg.current) },
      );
      assert.equal(rollout.code, 0, rollout.stderr);
      assert.deepEqual(warnings(rollout.stderr), [`Warning: ${INSECURE_WARNING}`]);
      const refused = await runCli(
        ['deploy', 'warned2', '--image', 'ghcr.io/bgctl/hello:v3', '--env', 'PORT=9000', '--yes', '--timeout', '60s'],
        { env: cliEnv(pg.current) },
      );
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stderr, /^Error: .*PORT/m);
      assert.deepEqual(warnings(refused.stderr), [`Warning: ${INSECURE_WARNING}`]);
    });
  });
});
