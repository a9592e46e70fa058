// Drives the real bash, zsh and fish completion of a generated script for one command line and
// returns the candidates, sorted. The shells run `bgctl` from PATH: a shim of the built CLI.
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BIN } from '../helpers/cli.js';

export type ShellName = 'bash' | 'zsh' | 'fish';

/** Whether `shell` is installed on this machine. */
export const hasShell = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;

// zsh completes only inside ZLE, so an interactive zsh runs in a pseudo-terminal (zsh/zpty). Its
// first prompt runs a widget that fills the line and calls complete-word; compadd is wrapped to
// append every candidate to a file. Nothing is typed ahead (ZLE would drop it), so no waiting.
const ZSH_HARNESS = `
PS1='>'
autoload -U compinit && compinit -u -D
source "$COMPLETE_SCRIPT"
zstyle ':completion:*' insert-tab false
compadd() {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd "$@"; return; fi
  local -a hits
  builtin compadd -A hits "$@"
  (( $#hits )) && print -rl -- $hits >> "$COMPLETE_HITS"
}
complete-line() {
  BUFFER="$COMPLETE_LINE"; CURSOR=$#BUFFER
  zle complete-word
  BUFFER=exit; zle .accept-line
}
zle -N zle-line-init complete-line
`;
const ZSH_DRIVER = `
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "source \${(q)COMPLETE_HARNESS}"
while zpty -r z line; do :; done
`;

/** A shim, the generated scripts and the harness in a temporary directory. */
export function completionSandbox() {
  const dir = mkdtempSync(path.join(tmpdir(), 'bgctl-complete-'));
  const shim = path.join(dir, 'bgctl');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(shim, 0o755);
  const scripts = {} as Record<ShellName, string>;
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    scripts[shell] = path.join(dir, `bgctl.${shell}`);
    writeFileSync(scripts[shell], spawnSync(process.execPath, [BIN, 'completion', shell], { encoding: 'utf8' }).stdout);
  }
  writeFileSync(path.join(dir, 'harness.zsh'), ZSH_HARNESS);
  let runs = 0;

  /**
   * The candidates `shell` offers for `line` (completing its last word); asynchronous, as the playground answers from
   * this process.
   */
  async function complete(shell: ShellName, line: string, kubeconfig: string): Promise<string[]> {
    const env = { PATH: `${dir}:${process.env.PATH}`, HOME: dir, KUBECONFIG: kubeconfig };
    const run = (file: string, args: string[], extra: Record<string, string> = {}) =>
      promisify(execFile)(file, args, { encoding: 'utf8', env: { ...env, ...extra }, timeout: 60_000 });
    let out: string;
    if (shell === 'bash') {
      const words = line.split(' ');
      const prog =
        `source '${scripts.bash}'; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); ` +
        `COMP_CWORD=${words.length - 1}; _bgctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
      out = (await run('bash', ['--norc', '--noprofile', '-c', prog])).stdout;
    } else if (shell === 'fish') {
      const prog = `source '${scripts.fish}'; complete -C '${line}'`;
      // complete -C prints `candidate<TAB>description`.
      out = (await run('fish', ['--no-config', '-c', prog])).stdout.replace(/\t.*$/gm, '');
    } else {
      const hits = path.join(dir, `hits-${++runs}`);
      writeFileSync(hits, '');
      await run('zsh', ['-f', '-c', ZSH_DRIVER], {
        COMPLETE_HARNESS: path.join(dir, 'harness.zsh'),
        COMPLETE_SCRIPT: scripts.zsh,
        COMPLETE_HITS: hits,
        COMPLETE_LINE: line,
      });
      out = readFileSync(hits, 'utf8');
    }
    return [...new Set(out.split('\n').filter(Boolean))].sort();
  }
  return { complete, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
