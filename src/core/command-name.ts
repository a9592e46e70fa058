// How the user started bgctl: as `bgctl`, or through kubectl's or kn's plugin mechanism (`kubectl bgctl`,
// `kn bgctl`). Help, usage lines and hints name the command as typed, since a plugin install (krew) may put
// no `bgctl` on PATH at all.

/** The names bgctl answers to; bin/ has one shim per name. */
export const COMMAND_NAMES = ['bgctl', 'kubectl bgctl', 'kn bgctl'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/**
 * Rewrites the bgctl commands inside `text` (`bgctl VERB`, `bgctl [options]`, `bgctl --help`) to `name`.
 * Prose that mentions bgctl ("bgctl recorded the rollout") is left alone: only a verb or a flag may follow.
 */
export function asTyped(text: string, name: CommandName, verbs: readonly string[]): string {
  if (name === 'bgctl' || !text.includes('bgctl')) return text;
  const after = [...verbs.map(escapeRegExp), '\\[options\\]', '--help\\b', '-h\\b'].join('|');
  const re = new RegExp(`(?<![\\w./$-]|kubectl |kn )bgctl(?= (?:${after})(?![\\w-]))`, 'g');
  return text.replace(re, name);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
