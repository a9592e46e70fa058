import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import yaml from 'js-yaml';
import * as k8s from '@kubernetes/client-node';
import { usePlayground } from '../../helpers/playground.js';
import { createKubectl, requireKubectl } from '../../helpers/kubectl.js';

describe('playground', () => {
  const pg = usePlayground({ sample: 'hello' });

  test('writes kubeconfigs with CA data and a token, never insecure', () => {
    const p = pg.current;
    const kc: any = yaml.load(readFileSync(p.kubeconfigPath, 'utf8'));
    assert.equal(kc['current-context'], 'bgctl-playground');
    assert.equal(kc.clusters[0].name, 'bgctl-playground');
    assert.equal(kc.clusters[0].cluster.server, p.server);
    assert.ok(kc.clusters[0].cluster['certificate-authority-data']);
    assert.equal(kc.clusters[0].cluster['insecure-skip-tls-verify'], undefined);
    assert.equal(kc.users[0].user.token, p.token);
    assert.equal(p.kubeconfig, readFileSync(p.kubeconfigPath, 'utf8'));
    const ro: any = yaml.load(readFileSync(p.readOnlyKubeconfigPath, 'utf8'));
    assert.notEqual(ro.users[0].user.token, p.token);
    assert.match(p.server, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(p.ingress, /^127\.0\.0\.1:\d+$/);
  });

  test('the sample service is Ready and reachable through client-node', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(pg.current.kubeconfigPath);
    const api = kc.makeApiClient(k8s.CustomObjectsApi);
    const svc: any = await api.getNamespacedCustomObject({
      group: 'serving.knative.dev',
      version: 'v1',
      namespace: 'default',
      plural: 'services',
      name: 'hello',
    });
    assert.equal(svc.spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v1');
    assert.equal(svc.status.conditions.find((c: any) => c.type === 'Ready').status, 'True');
  });

  test("kubectl: wait --for=condition=Ready, and invalid traffic gets Knative's exact message", async (t) => {
    const bin = requireKubectl(t);
    if (!bin) return;
    const k = createKubectl(bin, pg.current.kubeconfigPath);
    t.after(() => k.dispose());
    const file = join(dirname(pg.current.kubeconfigPath), 'second.yaml');
    writeFileSync(
      file,
      yaml.dump({
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name: 'second' },
        spec: { template: { spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v2' }] } } },
      }),
    );
    let r = await k.run(['apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    r = await k.run(['wait', '--for=condition=Ready', 'ksvc/second', '--timeout=60s']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'service.serving.knative.dev/second condition met');
    r = await k.run([
      'patch',
      'ksvc',
      'second',
      '--type',
      'merge',
      '-p',
      '{"spec":{"traffic":[{"latestRevision":true,"percent":90}]}}',
    ]);
    assert.equal(r.code, 1);
    // The webhook's securityContext warning comes with the refusal, as knative/pkg attaches it in a defer.
    assert.deepEqual(r.stderr.trim().split('\n'), [
      'Warning: Kubernetes default value is insecure, Knative may default this to secure in a future release: spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation, spec.template.spec.containers[0].securityContext.capabilities, spec.template.spec.containers[0].securityContext.runAsNonRoot, spec.template.spec.containers[0].securityContext.seccompProfile',
      'Error from server (BadRequest): admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed: Traffic targets sum to 90, want 100: spec.traffic',
    ]);
    r = await k.run(['get', 'ksvc', 'second']);
    assert.match(r.stdout, /^second\s+http:\/\/second\.default\.example\.com\s+second-00001\s+second-00001\s+True/m);
  });
});
