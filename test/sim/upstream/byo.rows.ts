// BYO revision names (spec.template.metadata.name): with the name unchanged, Knative skips template
// defaulting (ConfigurationSpec.SetDefaults), so a container whose defaulted name is dropped differs
// from the stored one, and VerifyNameChange refuses it with that diff.
import { COMMITS, type UpstreamRow } from './row.js';

const ksvc = (name: string, revision: string) => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name },
  spec: {
    template: { metadata: { name: revision }, spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v1' }] } },
  },
});

export const ROWS: UpstreamRow[] = [
  {
    id: 'byo-name-defaults-skipped',
    behaviour:
      'with the BYO name unchanged the template is not defaulted: dropping the defaulted container name is a change',
    source: {
      repo: 'knative/serving',
      path: 'pkg/apis/serving/v1/configuration_defaults.go',
      symbol: 'ConfigurationSpec.SetDefaults',
      commit: COMMITS.serving,
    },
    request: {
      verb: 'patch',
      resource: 'services',
      name: 'byo-nodef',
      patchType: 'json',
      body: [{ op: 'remove', path: '/spec/template/spec/containers/0/name' }],
      setup: [{ resource: 'services', body: ksvc('byo-nodef', 'byo-nodef-v1') }],
    },
    expect: {
      status: 400,
      reason: 'BadRequest',
      message:
        'admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed: Saw the following changes without a name change (-old +new): spec.template.metadata.name\n{*v1.RevisionTemplateSpec}.Spec.PodSpec.Containers[0].Name:\n\t-: "user-container"\n\t+: ""\n',
    },
  },
];
