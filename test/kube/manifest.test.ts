import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/core/errors.js';
import { parseServiceManifests } from '../../src/kube/manifest.js';

test('Knative Service manifests keep spec.template (unlike client-node loadYaml in 1.4)', () => {
  const text = `apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: hello}
spec:
  template:
    metadata: {annotations: {autoscaling.knative.dev/min-scale: "1"}}
    spec:
      containers: [{image: ghcr.io/knative/helloworld-go:latest, env: [{name: TARGET, value: v1}]}]
---
`;
  const [svc] = parseServiceManifests(text, 'svc.yaml');
  assert.equal(svc.spec.template.spec.containers[0].image, 'ghcr.io/knative/helloworld-go:latest');
  assert.deepEqual(svc.spec.template.metadata?.annotations, { 'autoscaling.knative.dev/min-scale': '1' });
  assert.throws(() => parseServiceManifests('apiVersion: v1\nkind: Service\nmetadata: {name: x}\n', 'core.yaml'), (e: unknown) => e instanceof UsageError && /not a serving.knative.dev\/v1 Service/.test(e.message));
  assert.throws(() => parseServiceManifests('a: [', 'bad.yaml'), UsageError);
});
