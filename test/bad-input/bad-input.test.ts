// Hostile input, one table: every case runs the real CLI in-process without a terminal and asserts
// the documented exit code, exactly one error line that names the problem, nothing on stdout, and —
// through the playground's request log (and the hostile servers' own logs) — that nothing was written.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPlayground, type Playground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { kubeconfigVariant, sim } from '../kube/sim-helpers.js';
import { createReadyService } from '../commands/step-helpers.js';
import { garbageServer, kubeconfigFor, noKnativeServer, tempFile, type Hostile } from './hostile.js';

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
const L64 = 'a'.repeat(64);

/** What a case may use: the playground, hostile servers and prepared kubeconfigs. */
interface World {
  pg: Playground;
  garbage: Hostile;
  noKnative: Hostile;
  files: Record<string, string>;
}

interface Case {
  name: string;
  argv: string[] | ((w: World) => string[]);
  /** Environment (KUBECONFIG defaults to the playground's admin kubeconfig). */
  env?: (w: World) => Record<string, string>;
  code: number;
  /** Must match the one error line. */
  message: RegExp;
  /** A known bug in someone else's code: the case runs and reports, without failing the suite. */
  todo?: string;
  /** Refused before any request: the playground must see none at all, not even a read. */
  silent?: boolean;
}

const W = ['--yes'];
// Verbs and the flags that make them otherwise complete, so only the SERVICE argument is wrong.
const VERBS: Array<[string, string[]]> = [
  ['status', []],
  ['revisions', []],
  ['url', []],
  ['history', []],
  ['verify', []],
  ['pin', W],
  ['deploy', ['--image', 'ghcr.io/x/y:v2', ...W]],
  ['stage', W],
  ['split', ['--percent', '50', ...W]],
  ['promote', W],
  ['rollback', W],
  ['cleanup', W],
  ['rollout', ['--image', 'ghcr.io/x/y:v2', ...W]],
];

const names: Case[] = [
  ...VERBS.map(([verb, rest]): Case => ({
    name: `${verb}: uppercase service name`,
    argv: [verb, 'Hello', ...rest],
    code: 2,
    message: /invalid service name "Hello"/,
  })),
  ...['status', 'pin', 'split', 'rollout'].map((verb): Case => {
    const rest = VERBS.find(([v]) => v === verb)![1];
    return {
      name: `${verb}: 64-character service name`,
      argv: [verb, L64, ...rest],
      code: 2,
      message: /invalid service name "a{64}": must be no more than 63 characters/,
    };
  }),
  ...['status', 'deploy', 'stage', 'promote'].map((verb): Case => {
    const rest = VERBS.find(([v]) => v === verb)![1];
    return {
      name: `${verb}: service name with a leading digit`,
      argv: [verb, '1hello', ...rest],
      code: 2,
      message: /invalid service name "1hello": a DNS-1035 label/,
    };
  }),
  // An explicitly empty SERVICE is a bad name, for read and step verbs alike (bug 5: the step verbs
  // used to treat it as omitted); an omitted one off a terminal is a missing argument.
  ...VERBS.map(([verb, rest]): Case => ({
    name: `${verb}: empty service name`,
    argv: [verb, '', ...rest],
    code: 2,
    message: /^Error: service name must not be empty$/,
    silent: true,
  })),
  ...VERBS.filter(([verb]) => verb !== 'status').map(([verb, rest]): Case => ({
    name: `${verb} without SERVICE and no terminal`,
    argv: [verb, ...rest],
    code: 2,
    message: /^Error: SERVICE is required when not running interactively$/,
    silent: true,
  })),
  {
    name: 'namespace: uppercase',
    argv: ['pin', 'hello', '-n', 'Prod', ...W],
    code: 2,
    message: /invalid namespace "Prod"/,
  },
  {
    name: 'namespace: 64 characters',
    argv: ['status', 'hello', '-n', L64],
    code: 2,
    message: /invalid namespace "a{64}"/,
  },
  { name: 'namespace: underscore', argv: ['status', '-n', 'my_ns'], code: 2, message: /invalid namespace "my_ns"/ },
  {
    name: 'namespace: a leading digit is valid (DNS-1123), the service is just not there',
    argv: ['pin', 'hello', '-n', '1prod', ...W],
    code: 1,
    message: /service "hello" not found: namespace "1prod" does not exist/,
  },
  {
    name: 'revision: uppercase',
    argv: ['pin', 'hello', '--revision', 'Hello-00001', ...W],
    code: 2,
    message: /invalid revision name "Hello-00001"/,
  },
  {
    name: 'revision: 64 characters',
    argv: ['pin', 'hello', '--revision', L64, ...W],
    code: 2,
    message: /invalid revision name "a{64}"/,
  },
  {
    name: 'revision: leading digit',
    argv: ['stage', 'hello', '--revision', '1hello-00001', ...W],
    code: 2,
    message: /invalid revision name "1hello-00001"/,
  },
  {
    name: 'revision: empty',
    argv: ['pin', 'hello', '--revision', '', ...W],
    code: 2,
    message: /revision name must not be empty/,
  },
  {
    name: 'revision: of another service (pin)',
    argv: ['pin', 'hello', '--revision', 'other-00001', ...W],
    code: 1,
    message: /revision "other-00001".*(other|not found|does not belong)/,
  },
  {
    name: 'revision: of another service (stage)',
    argv: ['stage', 'hello', '--revision', 'other-00001', ...W],
    code: 1,
    message: /revision "other-00001".*(other|not found|does not belong)/,
  },
  {
    name: 'revision: does not exist',
    argv: ['pin', 'hello', '--revision', 'hello-00099', ...W],
    code: 1,
    message: /revision "hello-00099" not found/,
  },
  { name: 'tag: uppercase', argv: ['stage', 'hello', '--tag', 'V2', ...W], code: 2, message: /invalid tag "V2"/ },
  { name: 'tag: 64 characters', argv: ['stage', 'hello', '--tag', L64, ...W], code: 2, message: /invalid tag "a{64}"/ },
  { name: 'tag: leading digit', argv: ['stage', 'hello', '--tag', '2v', ...W], code: 2, message: /invalid tag "2v"/ },
  { name: 'tag: empty', argv: ['stage', 'hello', '--tag', '', ...W], code: 2, message: /tag must not be empty/ },
  {
    name: 'tag: --stable-tag uppercase',
    argv: ['stage', 'hello', '--stable-tag', 'Stable', ...W],
    code: 2,
    message: /invalid tag "Stable"/,
  },
  { name: 'tag: url --tag uppercase', argv: ['url', 'hello', '--tag', 'UP'], code: 2, message: /invalid tag "UP"/ },
  {
    name: 'tag: rollout --previous-tag with a leading digit',
    argv: ['rollout', 'hello', '--image', 'x/y:v2', '--previous-tag', '0ld', ...W],
    code: 2,
    message: /invalid tag "0ld"/,
  },
  {
    name: 'tag: rollout --tag equal to --stable-tag',
    argv: ['rollout', 'hello', '--image', 'x/y:v2', '--tag', 'same', '--stable-tag', 'same', ...W],
    code: 2,
    message: /--tag and --stable-tag must differ/,
  },
];

const percents: Case[] = [
  ...['-1', '101', '50.5', 'abc', ''].map((p): Case => ({
    name: `split --percent ${JSON.stringify(p)}`,
    argv: ['split', 'hello', '--percent', p, ...W],
    code: 2,
    message: new RegExp(`invalid value "${p.replace('.', '\\.')}" for --percent`),
  })),
  {
    name: 'split --traffic with a non-number',
    argv: ['split', 'hello', '--traffic', 'stable=abc', ...W],
    code: 2,
    message: /invalid value "abc" for --traffic/,
  },
  {
    name: 'split --traffic without "="',
    argv: ['split', 'hello', '--traffic', 'stable', ...W],
    code: 2,
    message: /--traffic/,
  },
  {
    name: 'split --traffic over 100',
    argv: ['split', 'hello', '--traffic', 'stable=101', ...W],
    code: 2,
    message: /invalid value "101" for --traffic/,
  },
  ...['abc', '101', '50.5', '-1'].map((s): Case => ({
    name: `rollout --steps ${s}`,
    argv: ['rollout', 'hello', '--image', 'x/y:v2', '--steps', s, ...W],
    code: 2,
    message: new RegExp(`invalid value "${s.replace('.', '\\.')}" for --steps`),
  })),
];

const flags: Case[] = [
  {
    name: 'split without --percent and no terminal',
    argv: ['split', 'hello', ...W],
    code: 2,
    message: /--percent is required when not running interactively/,
  },
  {
    name: 'split with --percent and --traffic',
    argv: ['split', 'hello', '--percent', '50', '--traffic', 'stable=50', ...W],
    code: 2,
    message: /either --percent or --traffic/,
  },
  {
    name: 'deploy without --image and no terminal',
    argv: ['deploy', 'hello', ...W],
    code: 2,
    message: /--image is required/,
  },
  {
    name: 'rollout without --image and no terminal',
    argv: ['rollout', 'hello', ...W],
    code: 2,
    message: /--image is required/,
  },
  { name: 'pin without --yes and no terminal', argv: ['pin', 'hello'], code: 2, message: /--yes/ },
  {
    name: 'rollout without --yes and no terminal',
    argv: ['rollout', 'hello', '--image', 'x/y:v2'],
    code: 2,
    message: /--yes/,
  },
  {
    name: 'rollout --resume --abort',
    argv: ['rollout', 'hello', '--resume', '--abort', ...W],
    code: 2,
    message: /either --resume or --abort/,
  },
  {
    name: 'rollout --resume with --image',
    argv: ['rollout', 'hello', '--resume', '--image', 'x/y:v2', ...W],
    code: 2,
    message: /--resume works on the recorded rollout/,
  },
  {
    name: 'rollout --revision with --image',
    argv: ['rollout', 'hello', '--revision', 'hello-00001', '--image', 'x/y:v2', ...W],
    code: 2,
    message: /either --revision .* or --image/,
  },
  {
    name: 'rollout --no-wait',
    argv: ['rollout', 'hello', '--image', 'x/y:v2', '--no-wait', ...W],
    code: 2,
    message: /--no-wait/,
  },
  {
    name: 'rollout --until with an unknown phase',
    argv: ['rollout', 'hello', '--image', 'x/y:v2', '--until', 'done', ...W],
    code: 2,
    message: /'--until <phase>' argument 'done' is invalid/,
  },
  {
    name: 'deploy --env without "="',
    argv: ['deploy', 'hello', '--image', 'x/y:v2', '--env', 'MODE', ...W],
    code: 2,
    message: /invalid --env "MODE"/,
  },
  {
    name: 'deploy --env with a bad name',
    argv: ['deploy', 'hello', '--image', 'x/y:v2', '--env', '1MODE=blue', ...W],
    code: 2,
    message: /invalid environment variable name "1MODE"/,
  },
  {
    name: 'verify --requests 0',
    argv: ['verify', 'hello', '--requests', '0'],
    code: 2,
    message: /invalid value "0" for --requests/,
  },
  {
    name: 'verify --expect-status abc',
    argv: ['verify', 'hello', '--expect-status', 'abc'],
    code: 2,
    message: /invalid value "abc" for --expect-status/,
  },
  {
    name: 'verify --expect-body with a bad regex',
    argv: ['verify', 'hello', '--expect-body', '('],
    code: 2,
    message: /invalid regular expression "\(" for --expect-body/,
  },
  {
    name: '--dry-run=bogus',
    argv: ['pin', 'hello', '--dry-run=bogus'],
    code: 2,
    message: /invalid value "bogus" for --dry-run/,
  },
  {
    name: '--dry-run= (empty mode)',
    argv: ['pin', 'hello', '--dry-run='],
    code: 2,
    message: /invalid value "" for --dry-run/,
  },
  {
    name: '--dry-run=SERVER (modes are lower case)',
    argv: ['pin', 'hello', '--dry-run=SERVER'],
    code: 2,
    message: /invalid value "SERVER" for --dry-run/,
  },
  {
    name: '--dry-run-mode=server given by hand is the same as --dry-run=server',
    argv: ['pin', 'hello', '--dry-run', '--dry-run-mode=bogus'],
    code: 2,
    message: /invalid value "bogus" for --dry-run/,
  },
  {
    name: '--dry-run followed by the service and a second word',
    argv: ['pin', '--dry-run', 'hello', 'server'],
    code: 2,
    message: /too many arguments for 'pin'/,
  },
  {
    name: '--timeout bogus',
    argv: ['pin', 'hello', '--timeout', 'soon', ...W],
    code: 2,
    message: /invalid duration "soon" for --timeout/,
  },
  {
    name: '--request-timeout bogus',
    argv: ['status', 'hello', '--request-timeout', 'zz'],
    code: 2,
    message: /invalid duration "zz" for --request-timeout/,
  },
  // Durations: at most 168h (a longer Node timer fires after 1 ms), refused before any request.
  {
    name: 'rollout --pause 9999h (above the maximum)',
    argv: ['rollout', 'hello', '--image', 'x/y:v2', '--pause', '9999h', ...W],
    code: 2,
    message: /invalid duration "9999h" for --pause: at most 168h \(7 days\)/,
    silent: true,
  },
  {
    name: 'rollout --timeout 9999h (above the maximum)',
    argv: ['rollout', 'hello', '--image', 'x/y:v2', '--timeout', '9999h', ...W],
    code: 2,
    message: /invalid duration "9999h" for --timeout: at most 168h/,
    silent: true,
  },
  {
    name: 'rollout --pause 169h (one hour above the maximum)',
    argv: ['rollout', 'hello', '--image', 'x/y:v2', '--pause', '169h', ...W],
    code: 2,
    message: /invalid duration "169h" for --pause: at most 168h/,
    silent: true,
  },
  {
    name: 'rollout --pause 25d (no day unit)',
    argv: ['rollout', 'hello', '--image', 'x/y:v2', '--pause', '25d', ...W],
    code: 2,
    message: /invalid duration "25d" for --pause/,
    silent: true,
  },
  {
    name: 'pin --timeout 9999h',
    argv: ['pin', 'hello', '--timeout', '9999h', ...W],
    code: 2,
    message: /invalid duration "9999h" for --timeout: at most 168h/,
    silent: true,
  },
  {
    name: 'split --timeout 600h',
    argv: ['split', 'hello', '--percent', '50', '--timeout', '600h', ...W],
    code: 2,
    message: /invalid duration "600h" for --timeout: at most 168h/,
    silent: true,
  },
  {
    name: 'promote --timeout 5 (a bare number other than 0)',
    argv: ['promote', 'hello', '--timeout', '5', ...W],
    code: 2,
    message: /invalid duration "5" for --timeout/,
    silent: true,
  },
  {
    name: '--request-timeout 9999h',
    argv: ['status', 'hello', '--request-timeout', '9999h'],
    code: 2,
    message: /invalid duration "9999h" for --request-timeout: at most 168h/,
    silent: true,
  },
  {
    name: 'verify --max-latency 9999h',
    argv: ['verify', 'hello', '--max-latency', '9999h'],
    code: 2,
    message: /invalid duration "9999h" for --max-latency: at most 168h/,
    silent: true,
  },
  {
    name: 'verify --http-timeout 9999h',
    argv: ['verify', 'hello', '--http-timeout', '9999h'],
    code: 2,
    message: /invalid duration "9999h" for --http-timeout: at most 168h/,
    silent: true,
  },
  {
    name: 'verify --http-timeout 0s',
    argv: ['verify', 'hello', '--http-timeout', '0s'],
    code: 2,
    message: /--http-timeout must be longer than 0s/,
    silent: true,
  },
  {
    name: 'verify --http-timeout 0 (same as 0s)',
    argv: ['verify', 'hello', '--http-timeout', '0'],
    code: 2,
    message: /--http-timeout must be longer than 0s/,
    silent: true,
  },
  {
    name: 'rollout --max-latency 9999h',
    argv: ['rollout', 'hello', '--image', 'x/y:v2', '--max-latency', '9999h', ...W],
    code: 2,
    message: /invalid duration "9999h" for --max-latency/,
    silent: true,
  },
  { name: '-o xml', argv: ['status', 'hello', '-o', 'xml'], code: 2, message: /argument 'xml' is invalid/ },
  { name: 'unknown verb', argv: ['deplyo', 'hello'], code: 2, message: /unknown command 'deplyo'/ },
  { name: 'unknown flag', argv: ['cleanup', 'hello', '--purge', ...W], code: 2, message: /unknown option '--purge'/ },
  { name: 'completion for an unknown shell', argv: ['completion', 'tcsh'], code: 2, message: /'tcsh' is invalid/ },
];

const kubeconfigs: Case[] = [
  {
    name: 'kubeconfig: --kubeconfig names a missing file',
    argv: ['status', 'hello', '--kubeconfig', '/nonexistent/bgctl/kubeconfig'],
    code: 4,
    message: /kubeconfig not found: \/nonexistent\/bgctl\/kubeconfig/,
  },
  {
    name: 'kubeconfig: every KUBECONFIG file is missing',
    argv: ['status', 'hello'],
    env: () => ({ KUBECONFIG: '/nonexistent/a:/nonexistent/b' }),
    code: 4,
    message: /none of the kubeconfig files in KUBECONFIG exist/,
  },
  {
    name: 'kubeconfig: empty file',
    argv: (w) => ['status', 'hello', '--kubeconfig', w.files.empty],
    code: 4,
    message: /is empty/,
  },
  {
    name: 'kubeconfig: malformed YAML',
    argv: (w) => ['status', 'hello', '--kubeconfig', w.files.badYaml],
    code: 4,
    message: /kubeconfig.*(YAML|parse|not valid)/i,
  },
  {
    name: 'kubeconfig: malformed JSON',
    argv: (w) => ['status', 'hello', '--kubeconfig', w.files.badJson],
    code: 4,
    message: /kubeconfig.*(YAML|JSON|parse|not valid)/i,
  },
  {
    name: 'kubeconfig: a malformed file in a multi-file KUBECONFIG',
    argv: ['status', 'hello'],
    env: (w) => ({ KUBECONFIG: `${w.pg.kubeconfigPath}:${w.files.badYaml}` }),
    code: 4,
    message: /bad\.yaml/,
  },
  {
    name: 'kubeconfig: current-context names a missing context',
    argv: (w) => ['status', 'hello', '--kubeconfig', w.files.danglingContext],
    code: 4,
    message: /context "gone"/,
  },
  {
    name: 'kubeconfig: no current-context and no --context',
    argv: (w) => ['status', 'hello', '--kubeconfig', w.files.noCurrent],
    code: 4,
    message: /context/,
  },
  {
    name: 'kubeconfig: token-file is missing',
    argv: (w) => ['status', 'hello', '--kubeconfig', w.files.missingTokenFile],
    code: 4,
    message: /cannot read the token-file \/nonexistent\/token/,
  },
  {
    name: 'kubeconfig: unknown --context',
    argv: ['status', 'hello', '--context', 'staging'],
    code: 4,
    message: /context "staging" is not in the kubeconfig/,
  },
];

const servers: Case[] = [
  {
    name: 'server: unreachable',
    argv: (w) => ['status', 'hello', '--kubeconfig', w.files.unreachable],
    code: 4,
    message: /127\.0\.0\.1:1/,
  },
  {
    name: 'server: unknown CA',
    argv: (w) => ['status', 'hello', '--kubeconfig', w.files.unknownCa],
    code: 4,
    message: /certificate .*not trusted/,
  },
  {
    name: 'server: answers garbage',
    argv: (w) => ['status', 'hello', '--kubeconfig', w.files.garbage],
    code: 4,
    message: /answered the get of services with something that is not a Service/,
  },
  {
    name: 'server: write verb against a server that answers garbage',
    argv: (w) => ['pin', 'hello', '--kubeconfig', w.files.garbage, ...W],
    code: 4,
    message: /answered the get of services with something that is not a Service/,
  },
  {
    name: 'server: 401 (expired token)',
    argv: (w) => ['status', 'hello', '--kubeconfig', w.files.expired],
    code: 4,
    message: /rejected the credentials .*401 Unauthorized/,
  },
  {
    name: 'server: 401 on a write verb',
    argv: (w) => ['split', 'hello', '--percent', '50', '--kubeconfig', w.files.expired, ...W],
    code: 4,
    message: /401 Unauthorized/,
  },
  {
    name: 'server: 403 (read-only token) on pin',
    argv: (w) => ['pin', 'hello', '--kubeconfig', w.pg.readOnlyKubeconfigPath, ...W],
    code: 4,
    message: /forbidden|403/i,
  },
  {
    name: 'server: 403 (read-only token) on rollout',
    argv: (w) => ['rollout', 'hello', '--image', 'x/y:v2', '--kubeconfig', w.pg.readOnlyKubeconfigPath, ...W],
    code: 4,
    message: /forbidden|403/i,
  },
  {
    name: 'server: a cluster without Knative',
    argv: (w) => ['status', 'hello', '--kubeconfig', w.files.noKnative],
    code: 4,
    message: /Knative Serving is not installed/,
  },
  {
    name: 'server: a cluster without Knative on a write verb',
    argv: (w) => ['pin', 'hello', '--kubeconfig', w.files.noKnative, ...W],
    code: 4,
    message: /Knative Serving is not installed/,
  },
];

const documents: Case[] = [
  {
    name: 'malformed JSON in bgctl.dev/rollout: --resume',
    argv: ['rollout', 'broken', '--resume', ...W],
    code: 1,
    message: /annotation bgctl.dev\/rollout on service "broken" is not valid/,
  },
  {
    name: 'malformed JSON in bgctl.dev/rollout: promote',
    argv: ['promote', 'broken', ...W],
    code: 1,
    message: /annotation bgctl.dev\/rollout on service "broken" is not valid/,
  },
  {
    name: 'malformed JSON in bgctl.dev/rollout: split',
    argv: ['split', 'broken', '--percent', '50', ...W],
    code: 1,
    message: /annotation bgctl.dev\/rollout on service "broken" is not valid/,
  },
  {
    name: 'service does not exist',
    argv: ['pin', 'nosuch', ...W],
    code: 1,
    message: /service "nosuch" not found in namespace "default"/,
  },
];

const CASES: Case[] = [...names, ...percents, ...flags, ...kubeconfigs, ...servers, ...documents];

describe('bad input', () => {
  let world: World;
  before(async () => {
    const pg = await startPlayground({ sample: 'hello' });
    const [garbage, noKnative] = await Promise.all([garbageServer(), noKnativeServer()]);
    await createReadyService(pg, 'other');
    await createReadyService(pg, 'broken');
    pg.registry.patch(
      pg.registry.resource('services', 'serving.knative.dev')!,
      'default',
      'broken',
      'merge',
      { metadata: { annotations: { 'bgctl.dev/rollout': '{"v":1,"phase":"split",' } } },
      { user: 'someone', fieldManager: 'kubectl' },
    );
    const files: Record<string, string> = {
      empty: tempFile('empty', ''),
      badYaml: tempFile('bad.yaml', 'apiVersion: v1\nclusters: [\n  - name: c\n    cluster: {server: "https://x\n'),
      badJson: tempFile('bad.json', '{"apiVersion": "v1", "clusters": [ {"name": '),
      danglingContext: kubeconfigVariant(pg, (d) => (d['current-context'] = 'gone')),
      noCurrent: kubeconfigVariant(pg, (d) => delete d['current-context']),
      missingTokenFile: kubeconfigVariant(pg, (d) => {
        delete d.users[0].user.token;
        d.users[0].user['token-file'] = '/nonexistent/token';
      }),
      unreachable: kubeconfigVariant(pg, (d) => (d.clusters[0].cluster.server = 'https://127.0.0.1:1')),
      unknownCa: kubeconfigVariant(pg, (d) => delete d.clusters[0].cluster['certificate-authority-data']),
      expired: kubeconfigVariant(pg, (d) => (d.users[0].user.token = 'expired-token-0123456789abcdef')),
      garbage: tempFile('garbage', kubeconfigFor(garbage, 'garbage-token-0123456789')),
      noKnative: tempFile('noknative', kubeconfigFor(noKnative, 'no-knative-token-0123456789')),
    };
    world = { pg, garbage, noKnative, files };
  });
  after(async () => {
    await Promise.all([world?.pg.stop(), world?.garbage.stop(), world?.noKnative.stop()]);
  });
  beforeEach(async () => {
    if (!world) return;
    await sim(world.pg, 'DELETE', 'requests');
    world.garbage.requests.length = 0;
    world.noKnative.requests.length = 0;
  });

  test('the table has at least 60 cases', () => {
    assert.ok(CASES.length >= 60, `only ${CASES.length} cases`);
    assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length, 'case names are unique');
  });

  for (const c of CASES) {
    test(c.name, { todo: c.todo }, async () => {
      const argv = typeof c.argv === 'function' ? c.argv(world) : c.argv;
      const env = { KUBECONFIG: world.pg.kubeconfigPath, BGCTL_ACTOR: 'bad-input', ...c.env?.(world) };
      const r = await runCli(argv, { env });
      const errors = r.stderr.split('\n').filter((l) => /^(Error|error): /.test(l));
      assert.equal(r.code, c.code, `exit code of bgctl ${argv.join(' ')}\nstderr:\n${r.stderr}`);
      assert.equal(errors.length, 1, `exactly one error line expected:\n${r.stderr}`);
      assert.match(errors[0], c.message, `the error line names the problem`);
      assert.equal(r.stdout, '', 'nothing on stdout');
      const { requests } = await sim(world.pg, 'GET', 'requests');
      if (c.silent)
        assert.deepEqual(
          requests.map((q: { method: string; path: string }) => `${q.method} ${q.path}`),
          [],
          'nothing was even read from the playground',
        );
      // A write the server refused (403) changed nothing; any accepted one is a failure.
      const writes = requests.filter((q: { verb: string; code: number }) => WRITE_VERBS.has(q.verb) && q.code < 400);
      assert.deepEqual(writes, [], 'nothing was written to the playground');
      for (const h of [world.garbage, world.noKnative])
        assert.deepEqual(
          h.requests.filter((q) => !q.startsWith('GET ')),
          [],
          'nothing was written to the hostile server',
        );
      // Whatever went wrong, no credential is ever printed.
      for (const secret of [
        world.pg.token,
        'expired-token-0123456789abcdef',
        'garbage-token-0123456789',
        'no-knative-token-0123456789',
      ]) {
        assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), 'a token was printed');
      }
    });
  }
});
