// bgctl playground [--port N] [--ingress-port N] [--domain D] [--sample NAME] [--kubeconfig-out PATH]
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import { validateServiceName } from '../../core/names.js';
import { defineVerb, type Env } from '../verb.js';

export interface PlaygroundOptions {
  /** 0: a free port. */
  port: number;
  ingressPort: number;
  domain: string;
  sample?: string;
  /** Absolute path of the kubeconfig to write. */
  kubeconfigOut: string;
}

function parsePort(raw: string, flag: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535)
    throw new UsageError(`invalid value "${raw}" for ${flag}: must be a port number 0-65535`);
  return n;
}

/** Default kubeconfig location: a bgctl-owned file, so the user's ~/.kube/config is never touched. */
export function defaultPlaygroundKubeconfig(env: Env): string {
  return path.join(env.HOME || os.homedir(), '.bgctl', 'playground', 'kubeconfig');
}

export const playgroundVerb = defineVerb<PlaygroundOptions>({
  name: 'playground',
  summary: 'start a local simulated Knative cluster and write a kubeconfig for it',
  description:
    'Starts a local Kubernetes API server with Knative Serving simulated inside it, plus an ingress on localhost ' +
    'that serves each revision by Host header. Runs until Ctrl-C. kubectl works against it too.',
  examples: [
    'bgctl playground --sample hello',
    'export KUBECONFIG=~/.bgctl/playground/kubeconfig',
    'bgctl status hello',
  ],
  flags: (cmd) =>
    cmd
      .option('--port <port>', 'API server port (0: a free one)', '0')
      .option('--ingress-port <port>', 'ingress port (0: a free one)', '0')
      .option('--domain <domain>', 'domain of the service URLs', 'example.com')
      .option('--sample <name>', 'create a ready sample service with this name')
      .option('--kubeconfig-out <path>', 'where to write the kubeconfig (default: ~/.bgctl/playground/kubeconfig)'),
  parse: ({ flags, env }) => {
    const sample = flags.string('sample');
    return {
      port: parsePort(flags.string('port') ?? '0', '--port'),
      ingressPort: parsePort(flags.string('ingressPort') ?? '0', '--ingress-port'),
      domain: flags.string('domain') ?? 'example.com',
      sample: sample === undefined ? undefined : validateServiceName(sample),
      kubeconfigOut: path.resolve(flags.string('kubeconfigOut') ?? defaultPlaygroundKubeconfig(env)),
    };
  },
  load: () => import('./run.js'),
});
