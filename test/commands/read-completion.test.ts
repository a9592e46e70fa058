import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import yaml from 'js-yaml';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { VERBS } from '../../src/commands/catalog.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('bgctl-completion-');
const has = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;

async function script(shell: string): Promise<string> {
  const r = await runCli(['completion', shell]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  return r.stdout;
}

/** Runs the bash completion function for a command line (the last word is the one being completed). */
function complete(file: string, line: string): string[] {
  const words = line.split(' ');
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const prog = `source '${file}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _bgctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', prog], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).sort();
}

/** Flags listed in a `--help` text (the Options section). */
function helpFlags(text: string): string[] {
  const section = text.split(/\nOptions:\n/)[1]?.split(/\n\n/)[0] ?? '';
  return [...section.matchAll(/(?:^|[\s,])(--?[a-zA-Z][\w-]*)/gm)]
    .map((m) => m[1])
    .filter((f) => f !== '-')
    .sort();
}

describe('bgctl completion', () => {
  test('bash: valid syntax, every verb, and it completes verbs, flags and values', async () => {
    const text = await script('bash');
    const file = path.join(dir, 'bgctl.bash');
    writeFileSync(file, text);
    const syntax = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
    assert.equal(syntax.status, 0, syntax.stderr);
    const verbs = text.match(/local verbs="([^"]*)"/)?.[1].split(' ');
    assert.deepEqual(verbs, [...VERBS.map((c) => c.name), 'help']);
    for (const v of ['status', 'revisions', 'url', 'history', 'verify', 'completion']) assert.ok(verbs?.includes(v), v);

    assert.deepEqual(complete(file, 'bgctl st'), ['stage', 'status']);
    assert.deepEqual(complete(file, 'bgctl verify hello --ex'), ['--expect-body', '--expect-status']);
    assert.deepEqual(complete(file, 'bgctl -o '), ['json', 'table', 'yaml']);
    assert.deepEqual(complete(file, 'bgctl status -o y'), ['yaml']);
    assert.deepEqual(complete(file, 'bgctl completion '), ['bash', 'fish', 'zsh']);
    assert.deepEqual(complete(file, 'bgctl -n prod veri'), ['verify'], 'the value of -n is not taken for the verb');
    assert.deepEqual(complete(file, 'bgctl status --all'), ['--all-contexts', '--all-namespaces']);
    assert.deepEqual(complete(file, 'bgctl url hello --t'), ['--tag']);
    assert.deepEqual(complete(file, 'bgctl --name'), ['--namespace']);
  });

  test('the scripts carry exactly the flags `--help` shows, for every verb', async () => {
    const text = await script('bash');
    const top = await runCli(['--help']);
    const globals = text
      .match(/local globals="([^"]*)"/)?.[1]
      .split(' ')
      .sort();
    assert.deepEqual(globals, helpFlags(top.stdout));
    for (const spec of VERBS) {
      const help = await runCli([spec.name, '--help']);
      const flags = text
        .match(new RegExp(`\\n    ${spec.name}\\) flags="([^"]*)"`))?.[1]
        .split(' ')
        .sort();
      assert.deepEqual(flags, helpFlags(help.stdout), spec.name);
    }
  });

  test('zsh: a compdef function with every verb and flag', async () => {
    const text = await script('zsh');
    assert.match(text, /^#compdef bgctl\n/);
    for (const spec of VERBS) assert.match(text, new RegExp(`'${spec.name}:`), spec.name);
    assert.match(text, /'--output=\[output format\]:value:\(table json yaml\)'/);
    assert.match(text, /'--tag=\[[^\]]*\]:tag:_bgctl_tags'/, '--tag values come from the cluster');
    assert.match(text, /completion\) _arguments -s "\$\{globals\[@\]\}" .* '1:completion:\(bash zsh fish\)' ;;/);
    assert.match(
      text,
      /'--expect-body=\[every response body must match this regular expression in its first 1 MiB\]:value: '/,
    );
    if (has('zsh')) {
      const file = path.join(dir, '_bgctl');
      writeFileSync(file, text);
      const r = spawnSync('zsh', ['-n', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
  });

  test('fish: one complete line per verb and flag', async () => {
    const text = await script('fish');
    const lines = text.trimEnd().split('\n');
    const completes = lines.filter((l) => l.startsWith('complete '));
    assert.ok(completes.every((l) => l.startsWith('complete -c bgctl ')));
    assert.ok(
      completes.some((l) => / -l tag -x -a '\(__bgctl_lookup tags\)' /.test(l)),
      '--tag values from the cluster',
    );
    for (const spec of VERBS)
      assert.ok(
        lines.some((l) => l.includes(` -a ${spec.name} -d `)),
        spec.name,
      );
    assert.ok(lines.includes("complete -c bgctl -s o -l output -x -a 'table json yaml' -d 'output format'"));
    assert.ok(
      lines.some((l) =>
        l.startsWith("complete -c bgctl -n '__fish_seen_subcommand_from verify' -l max-latency -x -d "),
      ),
    );
    if (has('fish')) {
      const file = path.join(dir, 'bgctl.fish');
      writeFileSync(file, text);
      const r = spawnSync('fish', ['-n', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
  });

  test('-o json|yaml: one CompletionScript document wrapping the same script (stdout is always the document -o asks for)', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const text = await script(shell);
      const json = await runCli(['completion', shell, '-o', 'json']);
      assert.equal(json.code, 0, json.stderr);
      assert.equal(json.stderr, '');
      assert.deepEqual(JSON.parse(json.stdout), {
        apiVersion: 'bgctl.dev/v1',
        kind: 'CompletionScript',
        shell,
        script: text,
      });
      const y = await runCli(['-o', 'yaml', 'completion', shell]);
      assert.equal(y.code, 0, y.stderr);
      assert.deepEqual(yaml.load(y.stdout), {
        apiVersion: 'bgctl.dev/v1',
        kind: 'CompletionScript',
        shell,
        script: text,
      });
    }
    const table = await runCli(['completion', 'bash', '-o', 'table']);
    assert.equal(table.stdout, await script('bash'), '-o table is the plain script');
  });

  test('an unknown or missing shell is a usage error', async () => {
    const bad = await runCli(['completion', 'tcsh']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Allowed choices are bash, zsh, fish/);
    const none = await runCli(['completion']);
    assert.equal(none.code, 2);
    assert.equal(none.stdout, '');
  });
});
