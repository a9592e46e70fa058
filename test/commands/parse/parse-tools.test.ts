// Parse tests of completion, playground and version; the global flags on either side of a verb;
// commander's own errors as UsageErrors; and proof that parsing opens no client.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { parseOpts, parseVerb, usage } from '../../helpers/parse-verb.js';
import { openClient, type GlobalOptions } from '../../../src/commands/context.js';
import { ClusterAccessError } from '../../../src/core/errors.js';
import { IOStreams } from '../../../src/ui/iostreams.js';
import type { CompletionOptions } from '../../../src/commands/completion/options.js';
import type { PlaygroundOptions } from '../../../src/commands/playground/options.js';
import type { VersionOptions } from '../../../src/commands/version/options.js';
import type { SplitOptions } from '../../../src/commands/split/options.js';
import type { StatusOptions } from '../../../src/commands/status/options.js';

describe('completion options', () => {
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    test(shell, async () => {
      const expected: CompletionOptions = { shell };
      assert.deepEqual(await parseOpts<CompletionOptions>(['completion', shell]), expected);
    });
  }

  test("another shell is commander's InvalidChoice; none is MissingArgument", async () => {
    await assert.rejects(parseOpts(['completion', 'tcsh']), usage('InvalidChoice', /'tcsh'.*bash, zsh, fish/));
    await assert.rejects(parseOpts(['completion']), usage('MissingArgument', /'shell'/));
  });
});

describe('playground options', () => {
  const HOME = '/home/someone';
  const defaults: PlaygroundOptions = {
    port: 0,
    ingressPort: 0,
    metricsPort: 0,
    metricsFormat: 'knative',
    load: 0,
    domain: 'example.com',
    sample: undefined,
    kubeconfigOut: path.join(HOME, '.bgctl', 'playground', 'kubeconfig'),
    clusters: 1,
  };

  test('defaults: free ports, example.com, a bgctl-owned kubeconfig under HOME', async () => {
    assert.deepEqual(await parseOpts<PlaygroundOptions>(['playground'], { HOME }), defaults);
  });

  test('every flag reaches its field; a relative --kubeconfig-out is made absolute', async () => {
    const opts = await parseOpts<PlaygroundOptions>(
      [
        'playground',
        '--port',
        '6443',
        '--ingress-port',
        '65535',
        '--metrics-port',
        '9091',
        '--metrics-format',
        'legacy',
        '--load',
        '12.5',
        '--domain',
        'local.test',
        '--sample',
        'hello',
        '--kubeconfig-out',
        'pg/kubeconfig',
        '--clusters',
        '3',
      ],
      { HOME },
    );
    const expected: PlaygroundOptions = {
      port: 6443,
      ingressPort: 65535,
      metricsPort: 9091,
      metricsFormat: 'legacy',
      load: 12.5,
      domain: 'local.test',
      sample: 'hello',
      kubeconfigOut: path.resolve('pg/kubeconfig'),
      clusters: 3,
    };
    assert.deepEqual(opts, expected);
  });

  test('--clusters takes 1 to 10; anything else is a usage error naming the flag', async () => {
    for (const n of [1, 10])
      assert.equal((await parseOpts<PlaygroundOptions>(['playground', '--clusters', String(n)], { HOME })).clusters, n);
    for (const bad of ['0', '11', '-1', '2.5', 'three', '1e1', ''])
      await assert.rejects(
        parseOpts(['playground', '--clusters', bad]),
        usage('Usage', /for --clusters: must be a number of clusters from 1 to 10/),
        bad,
      );
  });

  test('--metrics-format knative-1.19: the first name of the histogram, whole seconds', async () => {
    const opts = await parseOpts<PlaygroundOptions>(['playground', '--metrics-format', 'knative-1.19'], { HOME });
    assert.equal(opts.metricsFormat, 'knative-1.19');
  });

  test('bad ports and sample names are refused', async () => {
    for (const bad of ['65536', '-1', '80.5', 'http']) {
      await assert.rejects(
        parseOpts(['playground', '--port', bad]),
        usage('Usage', /for --port: must be a port number 0-65535/),
        bad,
      );
    }
    await assert.rejects(parseOpts(['playground', '--ingress-port', '99999']), usage('Usage', /--ingress-port/));
    await assert.rejects(parseOpts(['playground', '--metrics-port', '99999']), usage('Usage', /--metrics-port/));
    await assert.rejects(
      parseOpts(['playground', '--metrics-format', 'otel']),
      usage('Usage', /"otel" for --metrics-format: must be knative, knative-1\.19 or legacy/),
    );
    await assert.rejects(
      parseOpts(['playground', '--metrics-format', 'knative-legacy']),
      usage('Usage', /--metrics-format/),
    );
    for (const bad of ['-1', '1001', 'lots', '1e3'])
      await assert.rejects(
        parseOpts(['playground', '--load', bad]),
        usage('Usage', /for --load: must be requests per second from 0 to 1000/),
        bad,
      );
    await assert.rejects(parseOpts(['playground', '--sample', 'Hello_World']), usage('InvalidName', /"Hello_World"/));
  });
});

describe('version options', () => {
  test('no options', async () => {
    const expected: VersionOptions = {};
    assert.deepEqual(await parseOpts<VersionOptions>(['version']), expected);
  });

  test('takes no argument', async () => {
    await assert.rejects(parseOpts(['version', 'now']), usage('ExcessArguments'));
  });
});

/** The global flags of a run without any, with `over` set. */
function globalsWith(over: Partial<GlobalOptions> = {}): GlobalOptions {
  const none: GlobalOptions = {
    namespace: undefined,
    context: undefined,
    kubeconfig: undefined,
    output: 'table',
    verbose: false,
    requestTimeoutMs: undefined,
    insecureSkipTlsVerify: false,
  };
  return { ...none, ...over };
}

describe('global flags on either side of the verb', () => {
  const SPLIT: SplitOptions = {
    service: 'hello',
    percent: 50,
    traffic: undefined,
    takeOver: false,
    write: { yes: false, wait: true, timeout: '5m' },
  };
  const GLOBALS: GlobalOptions = {
    namespace: 'prod',
    context: 'kind-a',
    kubeconfig: '/etc/kube/config',
    output: 'json',
    verbose: true,
    requestTimeoutMs: 30_000,
    insecureSkipTlsVerify: true,
  };
  const flags = [
    '-n',
    'prod',
    '--context',
    'kind-a',
    '--kubeconfig',
    '/etc/kube/config',
    '-o',
    'json',
    '--verbose',
    '--request-timeout',
    '30s',
    '--insecure-skip-tls-verify',
  ];

  test('before the verb', async () => {
    const r = await parseVerb([...flags, 'split', 'hello', '--percent', '50']);
    assert.deepEqual(r, { verb: 'split', opts: SPLIT, globals: GLOBALS });
  });

  test("after the verb, between the service and the verb's flags", async () => {
    const r = await parseVerb(['split', 'hello', ...flags, '--percent', '50']);
    assert.deepEqual(r, { verb: 'split', opts: SPLIT, globals: GLOBALS });
  });

  test("between the verb and the service: the flag's value is not taken as SERVICE", async () => {
    const r = await parseVerb(['split', ...flags, 'hello', '--percent', '50']);
    assert.deepEqual(r, { verb: 'split', opts: SPLIT, globals: GLOBALS });
  });

  test('long forms, split across both sides', async () => {
    const r = await parseVerb(['--namespace', 'prod', 'status', 'hello', '--output', 'yaml', '--no-color']);
    const expected: StatusOptions = { service: 'hello', allNamespaces: false, chunkSize: undefined };
    assert.deepEqual(r, {
      verb: 'status',
      opts: expected,
      globals: globalsWith({ namespace: 'prod', output: 'yaml' }),
    });
  });

  test('defaults: table output, no namespace, no request timeout', async () => {
    const r = await parseVerb(['history', 'hello']);
    assert.deepEqual(r.globals, globalsWith());
  });

  test('--request-timeout 0 is no limit', async () => {
    const r = await parseVerb(['status', '--request-timeout', '0']);
    assert.deepEqual(r.globals, globalsWith({ requestTimeoutMs: 0 }));
  });

  test('a bad --request-timeout is InvalidDuration on either side', async () => {
    await assert.rejects(
      parseVerb(['--request-timeout', '169h', 'status']),
      usage('InvalidDuration', /--request-timeout: at most 168h/),
    );
    await assert.rejects(
      parseVerb(['status', '--request-timeout', '30x']),
      usage('InvalidDuration', /"30x" for --request-timeout/),
    );
    await assert.rejects(
      parseVerb(['status', '--request-timeout', '604801']),
      usage('InvalidDuration', /--request-timeout: at most 168h/),
    );
  });

  test("--request-timeout without a unit is seconds, as kubectl's clientcmd reads it", async () => {
    const r = await parseVerb(['status', '--request-timeout', '30']);
    assert.deepEqual(r.globals, globalsWith({ requestTimeoutMs: 30_000 }));
  });

  test("-o outside table|json|yaml is commander's InvalidChoice on either side", async () => {
    await assert.rejects(parseVerb(['-o', 'xml', 'status']), usage('InvalidChoice', /'xml'/));
    await assert.rejects(parseVerb(['status', '-o', 'xml']), usage('InvalidChoice', /'xml'/));
  });

  test('-n without a value is MissingOptionValue', async () => {
    await assert.rejects(parseVerb(['status', '-n']), usage('MissingOptionValue', /--namespace/));
  });
});

describe("commander's errors are UsageErrors", () => {
  test('an unknown flag is UnknownOption, with the closest flag suggested', async () => {
    await assert.rejects(
      parseVerb(['split', 'hello', '--bogus']),
      usage('UnknownOption', /^unknown option '--bogus'$/),
    );
    await assert.rejects(
      parseVerb(['split', 'hello', '--percnt', '50']),
      usage('UnknownOption', /unknown option '--percnt' \(did you mean --percent\?\)/),
    );
    await assert.rejects(parseVerb(['--bogus', 'status']), usage('UnknownOption', /'--bogus'/));
  });

  test('an unknown verb is UnknownCommand, with the closest verb suggested', async () => {
    await assert.rejects(
      parseVerb(['rolout', 'hello']),
      usage('UnknownCommand', /unknown command 'rolout' \(did you mean rollout\?\)/),
    );
  });

  test('an extra positional is ExcessArguments', async () => {
    await assert.rejects(parseVerb(['split', 'hello', 'world']), usage('ExcessArguments'));
  });

  test("the hint names the verb's help", async () => {
    await assert.rejects(parseVerb(['stage', 'hello', '--bogus']), (err: unknown) => {
      usage('UnknownOption')(err);
      assert.equal((err as { hint?: string }).hint, 'see bgctl stage --help');
      return true;
    });
  });
});

describe('parsing opens no client', () => {
  const KUBECONFIG = path.join(import.meta.dirname, 'no-such-dir', 'kubeconfig');
  const EVERY_VERB = [
    ['rollout', 'hello', '--image', 'img:2', '--yes'],
    ['demo'],
    ['pin', 'hello'],
    ['deploy', 'hello', '--image', 'img:2'],
    ['stage', 'hello'],
    ['split', 'hello', '--percent', '50'],
    ['promote', 'hello'],
    ['rollback', 'hello'],
    ['cleanup', 'hello'],
    ['status', 'hello'],
    ['revisions', 'hello'],
    ['url', 'hello'],
    ['history', 'hello'],
    ['verify', 'hello'],
    ['completion', 'bash'],
    ['playground'],
    ['version'],
  ];

  test('the control: a client for that kubeconfig cannot be opened', async () => {
    const io = IOStreams.test({ env: { KUBECONFIG } });
    await assert.rejects(openClient(io, { output: 'table', verbose: false }, undefined), ClusterAccessError);
  });

  test('every verb parses with KUBECONFIG (and --kubeconfig) naming a missing file', async () => {
    const seen: string[] = [];
    for (const argv of EVERY_VERB) {
      seen.push((await parseVerb(argv, { KUBECONFIG })).verb);
      seen.push((await parseVerb(['--kubeconfig', KUBECONFIG, ...argv])).verb);
    }
    assert.deepEqual(
      seen,
      EVERY_VERB.flatMap((argv) => [argv[0], argv[0]]),
    );
  });
});
