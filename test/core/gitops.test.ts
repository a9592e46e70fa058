// Who else manages a Service, from the Service and the namespace's Flagger canaries alone (no cluster).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canaryRefs, detectControllers, flaggerUnknownNote, type FlaggerLookup } from '../../src/core/gitops.js';
import type { KnativeService } from '../../src/core/knative-types.js';

function svc(meta: Partial<KnativeService['metadata']> = {}): KnativeService {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: 'hello', namespace: 'prod', ...meta },
    spec: { template: { spec: { containers: [{ image: 'x' }] } } },
  };
}

const owners = (s: KnativeService, f?: FlaggerLookup) => detectControllers(s, f).map((c) => c.owner);

describe('detectControllers', () => {
  test('Argo CD tracking id, also for an application in another namespace (NS_APP)', () => {
    const id = 'argocd.argoproj.io/tracking-id';
    assert.deepEqual(owners(svc({ annotations: { [id]: 'shop:serving.knative.dev/Service:prod/hello' } })), [
      'Argo CD application shop',
    ]);
    assert.deepEqual(owners(svc({ annotations: { [id]: 'team-a_shop:serving.knative.dev/Service:prod/hello' } })), [
      'Argo CD application team-a/shop',
    ]);
  });

  test('the instance label counts only with an Argo CD field manager; malformed managedFields are ignored', () => {
    const labels = { 'app.kubernetes.io/instance': 'web' };
    assert.deepEqual(owners(svc({ labels, managedFields: [{ manager: 'argocd-application-controller' }] })), [
      'Argo CD application web',
    ]);
    assert.deepEqual(owners(svc({ labels, managedFields: [{ manager: 'helm' }] })), []);
    assert.deepEqual(owners(svc({ labels, managedFields: 'garbage' })), []);
    assert.deepEqual(owners(svc({ labels, managedFields: [null, { manager: 7 }] })), []);
  });

  test('Flux Kustomization (its namespace label, else the service namespace) and HelmRelease', () => {
    assert.deepEqual(owners(svc({ labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps' } })), [
      'Flux Kustomization prod/apps',
    ]);
    assert.deepEqual(
      owners(
        svc({
          labels: { 'helm.toolkit.fluxcd.io/name': 'web', 'helm.toolkit.fluxcd.io/namespace': 'flux-system' },
        }),
      ),
      ['Flux HelmRelease flux-system/web'],
    );
  });

  test('Flagger: only a canary whose targetRef is this Knative Service, in its namespace', () => {
    const canaries = canaryRefs(
      [
        {
          metadata: { name: 'c1', namespace: 'prod' },
          spec: { targetRef: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello' } },
        },
        {
          metadata: { name: 'c2', namespace: 'prod' },
          spec: { targetRef: { apiVersion: 'v1', kind: 'Service', name: 'hello' } },
        },
        {
          metadata: { name: 'c3', namespace: 'prod' },
          spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hello' } },
        },
        { metadata: {} },
        'junk',
      ],
      'prod',
    )!;
    assert.deepEqual(
      canaries.map((c) => c.name),
      ['c1', 'c2', 'c3'],
    );
    assert.deepEqual(owners(svc(), { api: 'present', canaries }), ['Flagger canary prod/c1']);
    assert.deepEqual(owners(svc(), { api: 'absent' }), []);
  });

  test('a canary list whose items are not a list is no answer (undefined), not "no canaries"', () => {
    for (const items of [undefined, null, 'junk', { a: 1 }, 42]) assert.equal(canaryRefs(items, 'prod'), undefined);
    assert.deepEqual(canaryRefs([], 'prod'), []);
  });

  test('an unreadable Flagger API is said, not guessed', () => {
    const note = flaggerUnknownNote({ api: 'unknown', why: 'not allowed to list canaries.flagger.app' }, 'hello');
    assert.match(note ?? '', /could not tell whether a Flagger canary drives service "hello" \(not allowed/);
    assert.equal(flaggerUnknownNote({ api: 'absent' }, 'hello'), undefined);
  });
});
