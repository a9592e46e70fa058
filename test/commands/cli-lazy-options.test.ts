// Verbs register their options lazily (src/cli.ts): only the invoked verb's option set is built,
// and every help text and the completion script stay what they were with all of them built.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { COMMANDS } from '../../src/commands/catalog.js';
import { runCli } from '../helpers/cli.js';

describe('lazy verb options', () => {
  const built: string[] = [];
  const originals = new Map<string, ((cmd: Command) => void) | undefined>();
  before(() => {
    for (const spec of COMMANDS) {
      const original = spec.options;
      originals.set(spec.name, original);
      if (!original) continue;
      spec.options = (cmd) => {
        built.push(spec.name);
        original(cmd);
      };
    }
  });
  after(() => {
    for (const spec of COMMANDS) spec.options = originals.get(spec.name);
  });
  const run = async (argv: string[]) => {
    built.length = 0;
    return runCli(argv);
  };
  const writeVerbs = COMMANDS.filter((s) => s.writes).map((s) => s.name);

  test('--version builds no option set', async () => {
    const r = await run(['--version']);
    assert.equal(r.code, 0);
    assert.deepEqual(built, []);
  });

  test('--help builds no write verb\'s options and still lists each verb with its usage term', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(writeVerbs.length >= 8, 'the catalog has write verbs');
    for (const name of writeVerbs) assert.ok(!built.includes(name), `${name} options built for --help`);
    const section = r.stdout.slice(r.stdout.indexOf('Commands:\n'), r.stdout.indexOf('\nExit codes:'));
    const terms = section.split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim().split(/ {2,}/)[0]);
    assert.deepEqual(terms, [
      'rollout [options] [service]',
      'demo [options]',
      'pin [options] [service]',
      'deploy [options] [service]',
      'stage [options] [service]',
      'split [options] [service]',
      'promote [options] [service]',
      'rollback [options] [service]',
      'cleanup [options] [service]',
      'status [options] [service]',
      'revisions [options] [service]',
      'url [options] [service]',
      'history [service]',
      'verify [options] [service]',
      'completion <shell>',
      'playground [options]',
      'version',
      'help [verb]',
    ]);
    assert.match(section, /^ {2}deploy \[options\] \[service\] {5}create a new revision from a template change;$/m);
  });

  test('a verb\'s --help builds that verb\'s options only, with write flags and examples', async () => {
    const r = await run(['deploy', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(built, ['deploy']);
    for (const flag of ['--image <image>', '--env', '--dry-run ', '-y, --yes', '--no-wait', '--timeout <duration>']) assert.ok(r.stdout.includes(flag), flag);
    assert.match(r.stdout, /\nExamples:\n {2}bgctl deploy/);
  });

  test('a verb\'s own flags are known when it parses its argv (global flags on either side)', async () => {
    const r = await run(['-o', 'json', 'split', 'hello', '--percent', 'abc', '--dry-run=bogus']);
    assert.equal(r.code, 2);
    assert.deepEqual(built, ['split']);
    assert.match(r.stderr, /^Error: invalid value "bogus" for --dry-run/);
    const unknown = await run(['status', 'hello', '--image', 'x']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^Error: unknown option '--image'/);
  });

  test('completion builds every verb\'s options, so the script offers every verb\'s flags', async () => {
    const r = await run(['completion', 'bash']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...new Set(built)].sort(), COMMANDS.filter((s) => originals.get(s.name)).map((s) => s.name).sort());
    assert.match(r.stdout, /^ {4}deploy\) flags="--image [^"]*--dry-run -y --yes --wait --no-wait --timeout -h --help"/m);
    assert.match(r.stdout, /^ {4}split\) flags="[^"]*--percent/m);
  });
});
