// Specs of the tool verbs: playground (and, as they land, demo and completion).
import type { CommandSpec } from '../catalog.js';

export const TOOL_COMMANDS: CommandSpec[] = [
  {
    name: 'playground',
    summary: 'start a local simulated Knative cluster and write a kubeconfig for it',
    description:
      'Starts a local Kubernetes API server with Knative Serving simulated inside it, plus an ingress on ' +
      'localhost that serves each revision by Host header. Runs until Ctrl-C. kubectl works against it too.',
    options: (cmd) =>
      cmd
        .option('--port <port>', 'API server port (0: a free one)', '0')
        .option('--ingress-port <port>', 'ingress port (0: a free one)', '0')
        .option('--domain <domain>', 'domain of the service URLs', 'example.com')
        .option('--sample <name>', 'create a ready sample service with this name')
        .option('--kubeconfig-out <path>', 'where to write the kubeconfig (default: ~/.bgctl/playground/kubeconfig)'),
    example: '  bgctl playground --sample hello\n  export KUBECONFIG=~/.bgctl/playground/kubeconfig\n  bgctl status hello',
    load: () => import('../playground.js'),
  },
  {
    name: 'version',
    summary: 'print the version (with -o json|yaml: a Version document)',
    example: '  bgctl version\n  bgctl version -o json',
    load: () => import('../version.js'),
  },
];
