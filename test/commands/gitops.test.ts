// Services other controllers manage (Argo CD, Flux, a Flagger canary): every step's plan names them in a warning,
// --gitops=refuse refuses the write (exit 5, nothing written), and --render / --render-patch print what Git should
// hold instead, accepted by the real kubectl's server-side dry run.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import yaml from 'js-yaml';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { createKubectl, requireKubectl } from '../helpers/kubectl.js';
import type { Playground } from '../helpers/playground.js';
import type { KnativeService } from '../../src/core/knative-types.js';
import { cliEnv, createReadyService, foreignMergePatch, getService, specTraffic, testContext } from './step-helpers.js';

/** Marks the stored Service as `manager` would (a merge patch under that field manager). */
function mark(pg: Playground, name: string, metadata: Record<string, unknown>, manager = 'kubectl'): void {
  const def = pg.registry.resource('services', 'serving.knative.dev')!;
  pg.registry.patch(def, 'default', name, 'merge', { metadata }, { user: manager, fieldManager: manager });
}

const TRACKING = { annotations: { 'argocd.argoproj.io/tracking-id': 'shop:serving.knative.dev/Service:default/x' } };
const FLUX = {
  labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' },
};

describe('services other controllers manage', () => {
  const pg = usePlayground();
  const cli = (...argv: string[]) => runCli(argv, { env: cliEnv(pg.current) });

  test('Argo CD (tracking id): the plan warns naming the application, and the unattended write goes on', async () => {
    await createReadyService(pg.current, 'argo-t');
    mark(pg.current, 'argo-t', TRACKING);
    const r = await cli('pin', 'argo-t', '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Warning: Argo CD application shop manages service "argo-t": with self-heal it reverts/);
    assert.match(r.stderr, /--render prints the manifest/);
    assert.ok(specTraffic(pg.current, 'argo-t')[0].revisionName, 'pinned by name');
  });

  test('Argo CD by instance label: only with an Argo CD field manager', async () => {
    await createReadyService(pg.current, 'argo-l');
    mark(pg.current, 'argo-l', { labels: { 'app.kubernetes.io/instance': 'web' } }, 'argocd-controller');
    await createReadyService(pg.current, 'helm-l');
    mark(pg.current, 'helm-l', { labels: { 'app.kubernetes.io/instance': 'web' } }, 'helm');
    const argo = await cli('pin', 'argo-l', '--yes');
    assert.equal(argo.code, 0, argo.stderr);
    assert.match(argo.stderr, /Warning: Argo CD application web manages service "argo-l"/);
    const helm = await cli('pin', 'helm-l', '--yes');
    assert.equal(helm.code, 0, helm.stderr);
    assert.doesNotMatch(helm.stderr, /Argo CD/);
  });

  test('Flux with --gitops=refuse: exit 5 GitOpsManaged, nothing written', async () => {
    await createReadyService(pg.current, 'flux-r');
    mark(pg.current, 'flux-r', FLUX);
    const before = getService(pg.current, 'flux-r');
    const r = await runCli(['pin', 'flux-r', '--yes', '--gitops=refuse', '-o', 'json'], { env: cliEnv(pg.current) });
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /managed by Flux Kustomization flux-system\/apps: refused by --gitops=refuse/);
    assert.equal(JSON.parse(r.stdout).reason, 'GitOpsManaged');
    assert.equal(getService(pg.current, 'flux-r').metadata.resourceVersion, before.metadata.resourceVersion);
    // A dry run or a render of the same step writes nothing, so it is not refused.
    for (const flag of ['--dry-run', '--render']) {
      const shown = await cli('pin', 'flux-r', flag, '--gitops=refuse');
      assert.equal(shown.code, 0, `${flag}: ${shown.stderr}`);
      assert.match(shown.stderr, /Warning: Flux Kustomization flux-system\/apps manages service "flux-r"/);
    }
  });

  test('Flux with reconcile: disabled, and a step that moves no traffic: no warning', async () => {
    await createReadyService(pg.current, 'flux-off');
    mark(pg.current, 'flux-off', {
      ...FLUX,
      annotations: { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' },
    });
    const r = await cli('pin', 'flux-off', '--yes', '--gitops=refuse');
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Flux/);
    await createReadyService(pg.current, 'flux-noop');
    mark(pg.current, 'flux-noop', FLUX);
    assert.equal((await cli('pin', 'flux-noop', '--yes', '--gitops=warn')).code, 0);
    mark(pg.current, 'flux-noop', FLUX);
    const again = await cli('pin', 'flux-noop', '--yes', '--gitops=refuse');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /Nothing to do/);
    assert.doesNotMatch(again.stderr, /Warning/);
  });

  test('without the flagger.app API (404): no canary, no note', async () => {
    const ctx = testContext(pg.current);
    assert.deepEqual(await (await ctx.kube()).listFlaggerCanaries(), { api: 'absent' });
  });

  test('--render: the manifest with the change, no server fields, nothing written; kubectl applies it', async (t) => {
    await createReadyService(pg.current, 'rendered');
    foreignMergePatch(pg.current, 'rendered', { metadata: { labels: { team: 'shop' } } });
    const before = getService(pg.current, 'rendered');
    const r = await cli('pin', 'rendered', '--render');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Rendered pin of rendered: nothing was changed in the cluster/);
    assert.equal(getService(pg.current, 'rendered').metadata.resourceVersion, before.metadata.resourceVersion);
    const m = yaml.load(r.stdout) as KnativeService & { status?: unknown };
    assert.equal(m.kind, 'Service');
    assert.equal(m.status, undefined);
    for (const k of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields'])
      assert.equal(m.metadata[k], undefined, k);
    assert.equal(m.metadata.labels?.team, 'shop');
    assert.equal(m.metadata.annotations?.['serving.knative.dev/creator'], undefined);
    const pinned = before.status?.latestReadyRevisionName;
    assert.deepEqual(m.spec.traffic, [{ revisionName: pinned, percent: 100, latestRevision: false }]);
    const json = await runCli(['pin', 'rendered', '--render', '-o', 'json'], { env: cliEnv(pg.current) });
    assert.deepEqual(JSON.parse(json.stdout), m);

    const bin = requireKubectl(t);
    if (!bin) return;
    const k = createKubectl(bin, pg.current.kubeconfigPath);
    try {
      const dry = await k.run(['apply', '--dry-run=server', '-f', '-'], { input: r.stdout });
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(
        dry.stdout,
        /service.serving.knative.dev\/rendered (configured|serverside-applied) \(server dry run\)/,
      );
      assert.equal(getService(pg.current, 'rendered').metadata.resourceVersion, before.metadata.resourceVersion);
      // Applied as a GitOps controller would: the traffic bgctl planned, and bgctl then has nothing left to do.
      const applied = await k.run(['apply', '-f', '-'], { input: r.stdout });
      assert.equal(applied.code, 0, applied.stderr);
      assert.deepEqual(specTraffic(pg.current, 'rendered'), [{ revisionName: pinned, percent: 100 }]);
      const again = await cli('pin', 'rendered', '--yes');
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /Nothing to do/);
    } finally {
      k.dispose();
    }
  });

  test('deploy --render: the new template, accepted by a server-side dry run', async (t) => {
    await createReadyService(pg.current, 'rdeploy');
    const r = await cli('deploy', 'rdeploy', '--image', 'ghcr.io/bgctl/hello:v2', '--render');
    assert.equal(r.code, 0, r.stderr);
    const m = yaml.load(r.stdout) as KnativeService;
    assert.equal(m.spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v2');
    // bgctl's rollout record stays in the manifest: the next step reads it from the synced Service.
    assert.equal(m.metadata.annotations?.['bgctl.dev/phase'], 'deployed');
    assert.ok(m.metadata.annotations?.['bgctl.dev/rollout']);
    assert.equal(getService(pg.current, 'rdeploy').spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v1');
    const bin = requireKubectl(t);
    if (!bin) return;
    const k = createKubectl(bin, pg.current.kubeconfigPath);
    try {
      const dry = await k.run(['apply', '--dry-run=server', '-f', '-'], { input: r.stdout });
      assert.equal(dry.code, 0, dry.stderr);
    } finally {
      k.dispose();
    }
  });

  test('--render-patch: the JSON patch bgctl would send, nothing written', async () => {
    await createReadyService(pg.current, 'rpatch');
    const before = getService(pg.current, 'rpatch');
    const r = await cli('pin', 'rpatch', '--render-patch');
    assert.equal(r.code, 0, r.stderr);
    const ops = JSON.parse(r.stdout) as Array<{ op: string; path: string; value?: unknown }>;
    assert.deepEqual(ops[0], {
      op: 'replace',
      path: '/metadata/resourceVersion',
      value: before.metadata.resourceVersion,
    });
    assert.ok(ops.some((o) => o.path === '/spec/traffic'));
    assert.equal(getService(pg.current, 'rpatch').metadata.resourceVersion, before.metadata.resourceVersion);
  });

  test('rollout --render renders only its next step (the deploy)', async () => {
    await createReadyService(pg.current, 'rroll');
    const before = getService(pg.current, 'rroll');
    const r = await cli('rollout', 'rroll', '--image', 'ghcr.io/bgctl/hello:v3', '--render');
    assert.equal(r.code, 0, r.stderr);
    const m = yaml.load(r.stdout) as KnativeService;
    assert.equal(m.spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v3');
    assert.equal(getService(pg.current, 'rroll').metadata.resourceVersion, before.metadata.resourceVersion);
  });
});

describe('a Flagger canary', () => {
  const pg = usePlayground({ flagger: true });
  const cli = (...argv: string[]) => runCli(argv, { env: cliEnv(pg.current) });

  function canary(name: string, target: { apiVersion: string; kind: string; name: string }): void {
    const def = pg.current.registry.resource('canaries', 'flagger.app')!;
    pg.current.registry.create(
      def,
      'default',
      {
        apiVersion: 'flagger.app/v1beta1',
        kind: 'Canary',
        metadata: { name, namespace: 'default' },
        spec: { targetRef: target },
      },
      { user: 'flagger', fieldManager: 'flagger' },
    );
  }

  test('whose targetRef is the Knative Service: warned, and refused with --gitops=refuse', async () => {
    await createReadyService(pg.current, 'fl');
    await createReadyService(pg.current, 'other');
    canary('fl-canary', { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'fl' });
    // A canary of a Deployment or of another service is not this service's.
    canary('dep', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'other' });
    const refused = await cli('pin', 'fl', '--yes', '--gitops=refuse');
    assert.equal(refused.code, 5, refused.stderr);
    assert.match(refused.stderr, /managed by Flagger canary default\/fl-canary/);
    const warned = await cli('pin', 'fl', '--yes');
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /Warning: Flagger canary default\/fl-canary manages service "fl": also drives/);
    const other = await cli('pin', 'other', '--yes', '--gitops=refuse');
    assert.equal(other.code, 0, other.stderr);
    assert.doesNotMatch(other.stderr, /Flagger/);
  });
});

describe('a Flagger canary beyond the first page of the list', () => {
  const pg = usePlayground({ flagger: true });

  test('the canary list is read to its end: a canary on a later page is still found', async () => {
    await createReadyService(pg.current, 'paged');
    const def = pg.current.registry.resource('canaries', 'flagger.app')!;
    const make = (name: string, target: string) =>
      pg.current.registry.create(
        def,
        'default',
        {
          apiVersion: 'flagger.app/v1beta1',
          kind: 'Canary',
          metadata: { name, namespace: 'default' },
          spec: { targetRef: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: target } },
        },
        { user: 'flagger', fieldManager: 'flagger' },
      );
    // More canaries than one list page holds; the one of this service sorts last.
    for (let i = 0; i < 520; i++) make(`a-${String(i).padStart(3, '0')}`, `svc-${i}`);
    make('zz-paged', 'paged');
    const r = await runCli(['pin', 'paged', '--yes', '--gitops=refuse'], { env: cliEnv(pg.current) });
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /managed by Flagger canary default\/zz-paged/);
  });
});
