// The GitHub Action (action.yml runs `node dist/action.js`): reads the inputs, runs
// `bgctl status` (the traffic before) and `bgctl rollout … --yes -o json`, then writes the outputs,
// the job summary and `::error` annotations. Its exit code is bgctl's.
import { appendFileSync } from 'node:fs';
import { InputError, readInputs, type ActionInputs } from './inputs.js';
import { writeKubeconfig, type KubeconfigFile } from './kubeconfig.js';
import { lastError, runBgctl, type BgctlRun } from './run-bgctl.js';
import { parseDocument, type ErrorDoc, type RolloutResultDoc, type ServiceStatusDoc } from './documents.js';
import { renderSummary } from './summary.js';
import { addMask, annotation, setOutput, stopCommandsToken } from './workflow-commands.js';
import { reportAnnotations } from './annotations.js';
import { printable } from '../ui/sanitize.js';

export interface ActionIO {
  env: NodeJS.ProcessEnv;
  /** Workflow commands (the runner reads them from the log). */
  stdout: NodeJS.WritableStream;
  /** bgctl's progress, between stop-commands markers. */
  stderr: NodeJS.WritableStream;
  /** Aborted when the job is cancelled (SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

const USAGE_EXIT = 2;

/** Runs the Action; resolves to its exit code. */
export async function runAction(io: ActionIO): Promise<number> {
  let inputs: ActionInputs;
  try {
    inputs = readInputs(io.env);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    io.stdout.write(annotation('error', 'bgctl: invalid input', err.message));
    writeOutputs(io.env, USAGE_EXIT, undefined, undefined);
    return USAGE_EXIT;
  }
  let kubeconfig: KubeconfigFile | undefined;
  try {
    if (inputs.kubeconfig) {
      kubeconfig = writeKubeconfig(inputs.kubeconfig, io.env.RUNNER_TEMP || undefined);
      for (const secret of kubeconfig.secrets) io.stdout.write(addMask(secret));
    }
    if (inputs.prometheusToken) io.stdout.write(addMask(inputs.prometheusToken));
    return await rollout(io, inputs, kubeconfig?.path);
  } finally {
    kubeconfig?.remove();
  }
}

async function rollout(io: ActionIO, inputs: ActionInputs, kubeconfigPath: string | undefined): Promise<number> {
  const env: NodeJS.ProcessEnv = {
    ...io.env,
    BGCTL_NO_PROMPT: '1',
    BGCTL_ACTOR: io.env.BGCTL_ACTOR || (io.env.GITHUB_ACTOR ? `${io.env.GITHUB_ACTOR} (GitHub Actions)` : undefined),
  };
  if (inputs.prometheusToken) env.BGCTL_PROMETHEUS_TOKEN = inputs.prometheusToken;
  const globals = [...inputs.globals, ...(kubeconfigPath ? ['--kubeconfig', kubeconfigPath] : [])];
  const status = () => bgctl(io, env, ['status', inputs.service, ...globals, '-o', 'json']);

  const before = await status();
  const run = await bgctl(io, env, [
    'rollout',
    inputs.service,
    ...inputs.rolloutFlags,
    ...globals,
    '--yes',
    '-o',
    'json',
  ]);
  const doc = parseDocument(run.stdout);
  const result = doc?.kind === 'RolloutResult' ? (doc as RolloutResultDoc) : undefined;
  const errorDoc = doc?.kind === 'Error' ? (doc as ErrorDoc) : undefined;
  // Without a RolloutResult (bgctl stopped before the rollout began), the traffic after is read again.
  const after = result ? undefined : await status();
  const error =
    run.code === 0 ? {} : errorDoc ? { message: errorDoc.message, hint: errorDoc.hint } : lastError(run.stderrTail);

  reportAnnotations(io.stdout, run.code, error, result, errorDoc?.reason);
  writeOutputs(io.env, run.code, result, run.stdout);
  const summary = io.env.GITHUB_STEP_SUMMARY;
  if (summary) {
    appendFileSync(
      summary,
      renderSummary({
        service: inputs.service,
        namespace: namespaceOf(inputs.globals),
        exitCode: run.code,
        before: trafficOf(before),
        after: result?.traffic ?? (after && trafficOf(after)),
        result,
        error,
      }),
    );
  }
  return run.code;
}

/** Runs bgctl with its stderr fenced by stop-commands: nothing from the cluster becomes a workflow command. */
async function bgctl(io: ActionIO, env: NodeJS.ProcessEnv, args: string[]): Promise<BgctlRun> {
  const token = stopCommandsToken();
  io.stderr.write(`::stop-commands::${token}\n`);
  try {
    return await runBgctl(args, env, io.stderr, io.signal);
  } finally {
    io.stderr.write(`::${token}::\n`);
  }
}

function trafficOf(run: BgctlRun) {
  const doc = parseDocument(run.stdout);
  return run.code === 0 && doc?.kind === 'ServiceStatus' ? (doc as ServiceStatusDoc).traffic : undefined;
}

function namespaceOf(globals: string[]): string | undefined {
  const i = globals.indexOf('--namespace');
  return i >= 0 ? globals[i + 1] : undefined;
}

/** The Action's outputs: exit-code always, the rest from the RolloutResult. */
function writeOutputs(
  env: NodeJS.ProcessEnv,
  code: number,
  result: RolloutResultDoc | undefined,
  json: string | undefined,
): void {
  const file = env.GITHUB_OUTPUT;
  if (!file) return;
  const values: Array<[string, string | undefined]> = [
    ['exit-code', String(code)],
    ['phase', result?.phase],
    ['revision', result?.candidate?.revisionName],
    ['stable-revision', result?.stable?.revisionName],
    ['url', result?.url],
    ['tag-url', result?.candidate?.url],
  ];
  for (const [name, value] of values) if (value) setOutput(file, name, printable(value));
  if (result && json) setOutput(file, 'result', json.trimEnd());
}
