// The Action's inputs, read as the runner passes them (INPUT_<NAME>, upper case, spaces as `_`,
// hyphens kept; action.yml maps each input to that name, as composite actions get none by
// themselves), and the bgctl command lines they become.

/** Every input of action.yml, in its order (test/action checks that both lists agree). */
export const INPUT_NAMES = [
  'service',
  'image',
  'namespace',
  'context',
  'kubeconfig',
  'tag',
  'steps',
  'pause',
  'verify-path',
  'expect-status',
  'expect-body',
  'requests',
  'gates',
  'prometheus',
  'prometheus-token',
  'metrics-preset',
  'gate-interval',
  'analysis-load',
  'until',
  'resume',
  'abort',
  'rollback',
  'retire',
  'args',
] as const;

export type InputName = (typeof INPUT_NAMES)[number];

/** An input the Action refuses before running bgctl (reported like bgctl's usage errors: exit 2). */
export class InputError extends Error {}

export interface ActionInputs {
  service: string;
  kubeconfig?: string;
  prometheusToken?: string;
  /** Global flags (namespace, context) shared by `status` and `rollout`. */
  globals: string[];
  /** The rollout's own flags and arguments, without SERVICE and the global ones. */
  rolloutFlags: string[];
}

/** The input as the runner passes it; an unset or blank input is undefined. */
export function getInput(env: NodeJS.ProcessEnv, name: InputName): string | undefined {
  const v = env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`]?.trim();
  return v ? v : undefined;
}

// The YAML 1.2 core schema's booleans, as @actions/core's getBooleanInput accepts them.
const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

function booleanInput(env: NodeJS.ProcessEnv, name: InputName, fallback: boolean): boolean {
  const v = getInput(env, name);
  if (v === undefined) return fallback;
  if (TRUE.includes(v)) return true;
  if (FALSE.includes(v)) return false;
  throw new InputError(`input "${name}" must be true or false, not "${v}"`);
}

/** Non-blank lines, trimmed; a line starting with `#` is a comment. */
function lines(v: string | undefined): string[] {
  return (v ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Input name -> rollout flag, for the inputs that are one flag with one value. */
const VALUE_FLAGS: Array<[InputName, string]> = [
  ['image', '--image'],
  ['tag', '--tag'],
  ['steps', '--percents'],
  ['pause', '--pause'],
  ['verify-path', '--verify-path'],
  ['expect-status', '--expect-status'],
  ['expect-body', '--expect-body'],
  ['requests', '--requests'],
  ['prometheus', '--prometheus'],
  ['metrics-preset', '--metrics-preset'],
  ['gate-interval', '--gate-interval'],
  ['analysis-load', '--analysis-load'],
  ['until', '--until'],
];

/** Reads and checks the inputs; bgctl itself validates every value it is given (exit 2). */
export function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const service = getInput(env, 'service');
  if (!service) throw new InputError('input "service" is required: the Knative Service to roll out');
  const globals: string[] = [];
  const namespace = getInput(env, 'namespace');
  if (namespace) globals.push('--namespace', namespace);
  const context = getInput(env, 'context');
  if (context) globals.push('--context', context);

  // `--flag=value` keeps a value that starts with `-` a value.
  const rolloutFlags: string[] = [];
  for (const [name, flag] of VALUE_FLAGS) {
    const v = getInput(env, name);
    if (v !== undefined) rolloutFlags.push(`${flag}=${v}`);
  }
  for (const gate of lines(getInput(env, 'gates'))) rolloutFlags.push(`--gate=${gate}`);
  if (booleanInput(env, 'resume', false)) rolloutFlags.push('--resume');
  if (booleanInput(env, 'abort', false)) rolloutFlags.push('--abort');
  if (!booleanInput(env, 'rollback', true)) rolloutFlags.push('--no-rollback');
  if (booleanInput(env, 'retire', false)) rolloutFlags.push('--retire');
  rolloutFlags.push(...lines(getInput(env, 'args')));

  const out: ActionInputs = { service, globals, rolloutFlags };
  // Not trimmed line by line: a kubeconfig is YAML (or base64 of it), kept as given.
  const kubeconfig = env['INPUT_KUBECONFIG'];
  if (kubeconfig?.trim()) out.kubeconfig = kubeconfig;
  const token = getInput(env, 'prometheus-token');
  if (token) out.prometheusToken = token;
  return out;
}
