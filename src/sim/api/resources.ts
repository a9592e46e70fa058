// The served resources: core v1 namespaces and the four Knative serving kinds; Flagger's Canary on request.
import type { PrinterColumn, ResourceDef } from './contracts.js';

const ready = (field: 'status' | 'reason'): string => `.status.conditions[?(@.type=='Ready')].${field}`;
const readyColumns: PrinterColumn[] = [
  { name: 'Ready', type: 'string', jsonPath: ready('status') },
  { name: 'Reason', type: 'string', jsonPath: ready('reason') },
];
const knative = {
  group: 'serving.knative.dev',
  version: 'v1',
  namespaced: true,
  categories: ['all', 'knative', 'serving'],
  hasStatus: true,
};

/** Fresh copies of the resource definitions a registry serves. */
export function defaultResources(): ResourceDef[] {
  return [
    {
      group: '',
      version: 'v1',
      plural: 'namespaces',
      singular: 'namespace',
      kind: 'Namespace',
      listKind: 'NamespaceList',
      namespaced: false,
      shortNames: ['ns'],
      categories: [],
      hasStatus: true,
      printerColumns: [
        { name: 'Status', type: 'string', jsonPath: '.status.phase' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
    },
    {
      ...knative,
      plural: 'services',
      singular: 'service',
      kind: 'Service',
      listKind: 'ServiceList',
      shortNames: ['kservice', 'ksvc'],
      printerColumns: [
        { name: 'URL', type: 'string', jsonPath: '.status.url' },
        { name: 'LatestCreated', type: 'string', jsonPath: '.status.latestCreatedRevisionName' },
        { name: 'LatestReady', type: 'string', jsonPath: '.status.latestReadyRevisionName' },
        ...readyColumns,
      ],
    },
    {
      ...knative,
      plural: 'configurations',
      singular: 'configuration',
      kind: 'Configuration',
      listKind: 'ConfigurationList',
      shortNames: ['config', 'cfg'],
      printerColumns: [
        { name: 'LatestCreated', type: 'string', jsonPath: '.status.latestCreatedRevisionName' },
        { name: 'LatestReady', type: 'string', jsonPath: '.status.latestReadyRevisionName' },
        ...readyColumns,
      ],
    },
    {
      ...knative,
      plural: 'revisions',
      singular: 'revision',
      kind: 'Revision',
      listKind: 'RevisionList',
      shortNames: ['rev'],
      printerColumns: [
        { name: 'Config Name', type: 'string', jsonPath: ".metadata.labels['serving\\.knative\\.dev/configuration']" },
        {
          name: 'Generation',
          type: 'string',
          jsonPath: ".metadata.labels['serving\\.knative\\.dev/configurationGeneration']",
        },
        ...readyColumns,
        { name: 'Actual Replicas', type: 'integer', jsonPath: '.status.actualReplicas' },
        { name: 'Desired Replicas', type: 'integer', jsonPath: '.status.desiredReplicas' },
      ],
    },
    {
      ...knative,
      plural: 'routes',
      singular: 'route',
      kind: 'Route',
      listKind: 'RouteList',
      shortNames: ['rt'],
      printerColumns: [{ name: 'URL', type: 'string', jsonPath: '.status.url' }, ...readyColumns],
    },
  ];
}

/** `serving.knative.dev/v1` or `v1`. */
export function apiVersionOf(def: Pick<ResourceDef, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** Flagger's Canary (flagger.app/v1beta1), served when a playground is started with `flagger: true`. */
export function flaggerCanaryResource(): ResourceDef {
  return {
    group: 'flagger.app',
    version: 'v1beta1',
    plural: 'canaries',
    singular: 'canary',
    kind: 'Canary',
    listKind: 'CanaryList',
    namespaced: true,
    shortNames: ['canary'],
    categories: ['all'],
    hasStatus: true,
    printerColumns: [{ name: 'Status', type: 'string', jsonPath: '.status.phase' }],
  };
}
