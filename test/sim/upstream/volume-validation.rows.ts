// Volume validation of Knative Serving's webhook (pkg/apis/serving/k8s_validation.go validateVolume,
// validateProjectedVolumeSource and the functions they call, with the feature flags' defaults of
// pkg/apis/config/features.go) and of its CRD schema (the list-type maps of
// config/core/300-resources), per COMMITS. Messages render as knative.dev/pkg apis.FieldError does:
// merged by message, paths sorted, entries sorted by message, a path-less entry as "message: ".
import { COMMITS, type UpstreamExpectation, type UpstreamRow, type UpstreamSource } from './row.js';

const IMAGE = 'ghcr.io/bgctl/hello:v1';
const V0 = 'spec.template.spec.volumes[0]';
const P0 = `${V0}.projected[0]`;
const M0 = 'spec.template.spec.containers[0].volumeMounts[0]';

const K8S = (symbol: string): UpstreamSource => ({
  repo: 'knative/serving',
  path: 'pkg/apis/serving/k8s_validation.go',
  symbol,
  commit: COMMITS.serving,
});
const CRD: UpstreamSource = {
  repo: 'knative/serving',
  path: 'config/core/300-resources/service.yaml',
  symbol: 'openAPIV3Schema',
  commit: COMMITS.serving,
};

type Obj = Record<string, unknown>;
/** A Service mounting each volume (readOnly left to the defaults) on /v0, /v1, …. */
const withVolumes = (name: string, volumes: Obj[], mount: Obj = {}): Obj => ({
  metadata: { name },
  spec: {
    template: {
      spec: {
        containers: [
          { image: IMAGE, volumeMounts: volumes.map((v, i) => ({ name: v.name, mountPath: `/v${i}`, ...mount })) },
        ],
        volumes,
      },
    },
  },
});
const projected = (...sources: Obj[]): Obj => ({ name: 'pv', projected: { sources } });

const denied = (message: string): UpstreamExpectation => ({
  status: 400,
  reason: 'BadRequest',
  message: `admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed: ${message}`,
});
const invalid = (name: string, cause: string): UpstreamExpectation => ({
  status: 422,
  reason: 'Invalid',
  message: `Service.serving.knative.dev "${name}" is invalid: ${cause}`,
});

function row(
  id: string,
  behaviour: string,
  source: UpstreamSource,
  body: Obj,
  expect: UpstreamExpectation,
): UpstreamRow {
  const name = (body.metadata as { name: string }).name;
  return { id, behaviour, source, request: { verb: 'create', resource: 'services', name, body }, expect };
}

export const ROWS: UpstreamRow[] = [
  row(
    'volume-projected-no-source',
    'a projected source needs exactly one of secret, configMap, serviceAccountToken, downwardAPI',
    K8S('validateProjectedVolumeSource'),
    withVolumes('proj-none', [projected({})]),
    denied(
      `expected exactly one, got neither: ${P0}.configMap, ${P0}.downwardAPI, ${P0}.secret, ${P0}.serviceAccountToken`,
    ),
  ),
  row(
    'volume-projected-two-sources',
    'a projected source with both a ConfigMap and a Secret',
    K8S('validateProjectedVolumeSource'),
    withVolumes('proj-two', [projected({ configMap: { name: 'c' }, secret: { name: 's' } })]),
    denied(`expected exactly one, got both: ${P0}.configMap, ${P0}.secret`),
  ),
  row(
    'volume-projected-configmap-no-name',
    'a projected ConfigMap without a name (the schema defaults it to "")',
    K8S('validateConfigMapProjection'),
    withVolumes('proj-cm-noname', [projected({ configMap: { optional: true } })]),
    denied(`missing field(s): ${P0}.configMap.name`),
  ),
  row(
    'volume-projected-secret-no-name',
    'a projected Secret without a name',
    K8S('validateSecretProjection'),
    withVolumes('proj-sec-noname', [projected({ secret: {} })]),
    denied(`missing field(s): ${P0}.secret.name`),
  ),
  row(
    'volume-projected-configmap-item-empty',
    'a projected ConfigMap item with empty key and path: one entry, both paths',
    K8S('validateKeyToPath'),
    withVolumes('proj-cm-item', [projected({ configMap: { name: 'c', items: [{ key: '', path: '' }] } })]),
    denied(`missing field(s): ${P0}.configMap.items[0].key, ${P0}.configMap.items[0].path`),
  ),
  row(
    'volume-configmap-item-empty-key',
    'a configMap volume item with an empty key: its path skips "configMap" (items are indexed on the volume)',
    K8S('validateVolume'),
    withVolumes('cm-item-key', [{ name: 'cm', configMap: { name: 'c', items: [{ key: '', path: 'p' }] } }]),
    denied(`missing field(s): ${V0}.items[0].key`),
  ),
  row(
    'volume-secret-item-empty-path',
    'a secret volume item with an empty path, indexed on the volume as well',
    K8S('validateVolume'),
    withVolumes('sec-item-path', [{ name: 'sec', secret: { secretName: 's', items: [{ key: 'k', path: '' }] } }]),
    denied(`missing field(s): ${V0}.items[0].path`),
  ),
  row(
    'volume-configmap-item-no-key',
    'the CRD schema requires key and path of a volume item before the webhook sees it',
    CRD,
    withVolumes('cm-item-nokey', [{ name: 'cm', configMap: { name: 'c', items: [{ path: 'p' }] } }]),
    invalid('cm-item-nokey', `${V0}.configMap.items[0].key: Required value`),
  ),
  row(
    'volume-service-account-token-empty-path',
    'a projected service account token with an empty path',
    K8S('validateServiceAccountTokenProjection'),
    withVolumes('sat-path', [projected({ serviceAccountToken: { audience: 'api', path: '' } })]),
    denied(`missing field(s): ${P0}.serviceAccountToken.path`),
  ),
  row(
    'volume-service-account-token-no-path',
    'the CRD schema requires the path of a projected service account token',
    CRD,
    withVolumes('sat-nopath', [projected({ serviceAccountToken: { audience: 'api' } })]),
    invalid('sat-nopath', `${V0}.projected.sources[0].serviceAccountToken.path: Required value`),
  ),
  row(
    'volume-downward-api',
    'a projected downwardAPI item with a fieldRef is accepted',
    K8S('validateDownwardAPIProjection'),
    withVolumes('dapi', [
      projected({ downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }),
    ]),
    { status: 201 },
  ),
  row(
    'volume-downward-api-no-ref',
    'a downwardAPI item needs a fieldRef or a resourceFieldRef',
    K8S('validateDownwardAPIVolumeFile'),
    withVolumes('dapi-noref', [projected({ downwardAPI: { items: [{ path: 'p' }] } })]),
    denied(
      `expected exactly one, got neither: ${P0}.downwardAPI.items[0].fieldRef, ${P0}.downwardAPI.items[0].resourceFieldRef`,
    ),
  ),
  row(
    'volume-downward-api-both-refs',
    'a downwardAPI item with both a fieldRef and a resourceFieldRef',
    K8S('validateDownwardAPIVolumeFile'),
    withVolumes('dapi-both', [
      projected({
        downwardAPI: {
          items: [
            { path: 'p', fieldRef: { fieldPath: 'metadata.name' }, resourceFieldRef: { resource: 'limits.cpu' } },
          ],
        },
      }),
    ]),
    denied(
      `Within a single item, cannot set both: ${P0}.downwardAPI.items[0].fieldRef, ${P0}.downwardAPI.items[0].resourceFieldRef`,
    ),
  ),
  row(
    'volume-downward-api-empty-path',
    'a downwardAPI item with an empty path',
    K8S('validateDownwardAPIVolumeFile'),
    withVolumes('dapi-path', [
      projected({ downwardAPI: { items: [{ path: '', fieldRef: { fieldPath: 'metadata.name' } }] } }),
    ]),
    denied(`missing field(s): ${P0}.downwardAPI.items[0].path`),
  ),
  row(
    'volume-empty-dir-negative-size',
    'an emptyDir sizeLimit below zero',
    K8S('validateEmptyDirFields'),
    withVolumes('ed-size', [{ name: 'scratch', emptyDir: { sizeLimit: '-1Gi' } }]),
    denied(`invalid value: -1Gi: ${V0}.emptyDir.sizeLimit`),
  ),
  row(
    'volume-empty-dir-size-limit',
    'an emptyDir with a memory medium and a size limit is accepted',
    K8S('validateEmptyDirFields'),
    withVolumes('ed-ok', [{ name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }]),
    { status: 201 },
  ),
  row(
    'volume-image-disabled',
    'image volumes need kubernetes.podspec-volumes-image',
    K8S('validateVolume'),
    withVolumes('img-vol', [{ name: 'img', image: { reference: IMAGE } }]),
    denied(`Image volume support is disabled, but found Image volume img: \nmust not set the field(s): ${V0}.image`),
  ),
  row(
    'volume-image-no-reference',
    'an image volume without a reference, on top of the flag',
    K8S('validateImageVolumeSource'),
    withVolumes('img-noref', [{ name: 'img', image: { pullPolicy: 'Sometimes' } }]),
    denied(
      'Image volume support is disabled, but found Image volume img: \n' +
        `invalid value: Sometimes: ${V0}.image.pullPolicy\n` +
        `missing field(s): ${V0}.image.reference\n` +
        `must not set the field(s): ${V0}.image`,
    ),
  ),
  row(
    'volume-csi-disabled',
    'csi volumes need kubernetes.podspec-volumes-csi',
    K8S('validateVolume'),
    withVolumes('csi-vol', [{ name: 'c', csi: { driver: 'example.com/csi' } }]),
    denied(`CSI volume support is disabled, but found CSI volume c: \nmust not set the field(s): ${V0}.csi`),
  ),
  row(
    'volume-ephemeral-disabled',
    'ephemeral volumes need kubernetes.podspec-volumes-ephemeral',
    K8S('validateVolume'),
    withVolumes('eph-vol', [{ name: 'e', ephemeral: { volumeClaimTemplate: { spec: {} } } }]),
    denied(
      `Ephemeral volume support is disabled, but found Ephemeral volume e: \nmust not set the field(s): ${V0}.ephemeral`,
    ),
  ),
  row(
    'volume-name-empty',
    'a volume with an empty name (the schema only asks for the key)',
    K8S('validateVolume'),
    withVolumes('vol-noname', [{ name: '', configMap: { name: 'c' } }]),
    denied(`missing field(s): ${V0}.name`),
  ),
  row(
    'volume-name-duplicate',
    "volumes are a list-type map keyed by name: the CRD schema refuses a repeated name before the webhook's own check",
    CRD,
    {
      metadata: { name: 'vol-dup' },
      spec: {
        template: {
          spec: {
            containers: [{ image: IMAGE, volumeMounts: [{ name: 'cfg', mountPath: '/cfg' }] }],
            volumes: [
              { name: 'cfg', configMap: { name: 'a' } },
              { name: 'cfg', secret: { secretName: 'b' } },
            ],
          },
        },
      },
    },
    invalid('vol-dup', 'spec.template.spec.volumes[1]: Duplicate value: map[string]interface {}{"name":"cfg"}'),
  ),
  row(
    'volume-mount-path-duplicate',
    'volumeMounts are a list-type map keyed by mountPath: the same path twice is a schema error',
    CRD,
    {
      metadata: { name: 'mount-dup-key' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                image: IMAGE,
                volumeMounts: [
                  { name: 'a', mountPath: '/data' },
                  { name: 'b', mountPath: '/data' },
                ],
              },
            ],
            volumes: [
              { name: 'a', configMap: { name: 'a' } },
              { name: 'b', secret: { secretName: 'b' } },
            ],
          },
        },
      },
    },
    invalid(
      'mount-dup-key',
      'spec.template.spec.containers[0].volumeMounts[1]: Duplicate value: map[string]interface {}{"mountPath":"/data"}',
    ),
  ),
  row(
    'env-name-duplicate',
    'env is a list-type map keyed by name: a repeated variable is a schema error',
    CRD,
    {
      metadata: { name: 'env-dup' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                image: IMAGE,
                env: [
                  { name: 'A', value: '1' },
                  { name: 'A', value: '2' },
                ],
              },
            ],
          },
        },
      },
    },
    invalid('env-dup', 'spec.template.spec.containers[0].env[1]: Duplicate value: map[string]interface {}{"name":"A"}'),
  ),
  row(
    'volume-mount-propagation-disabled',
    'mountPropagation needs kubernetes.podspec-volumes-mount-propagation',
    K8S('validateVolumeMounts'),
    withVolumes('mprop', [{ name: 'cfg', configMap: { name: 'c' } }], { mountPropagation: 'HostToContainer' }),
    denied(
      'Volume Mount Propagation support is disabled, but found volume mount cfg with mount propagation: \n' +
        `must not set the field(s): ${M0}.mountPropagation`,
    ),
  ),
  row(
    'volume-mount-propagation-bidirectional',
    'mountPropagation is None or HostToContainer, whatever the flag',
    K8S('validateVolumeMounts'),
    withVolumes('mprop-bi', [{ name: 'cfg', configMap: { name: 'c' } }], { mountPropagation: 'Bidirectional' }),
    denied(
      'Volume Mount Propagation support is disabled, but found volume mount cfg with mount propagation: \n' +
        `mount propagation should be set to None or HostToContainer: ${M0}.mountPropagation\n` +
        `must not set the field(s): ${M0}.mountPropagation`,
    ),
  ),
];
