// The commands of a text as the user types them (`kubectl bgctl split …` when run as a kubectl plugin).
import { asTyped } from '../core/command-name.js';
import type { IOStreams } from '../ui/iostreams.js';
import { VERBS } from './catalog.js';

/** `text` with each `bgctl VERB` named as io.command (unchanged when run as plain bgctl). */
export function typed(io: IOStreams, text: string): string {
  if (io.command === 'bgctl') return text;
  return asTyped(text, io.command, [...VERBS.map((v) => v.name), 'help']);
}
