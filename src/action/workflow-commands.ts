// GitHub Actions workflow commands (`::error title=…::message`) and the files the runner reads back
// (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY). Values are escaped by the runner's rules so a message can
// neither end the command early nor start a new one.
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { printable } from '../ui/sanitize.js';

/** A command's message: `%`, CR and LF are %-encoded (the runner decodes them back). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A command's property value: as data, plus `:` and `,`, which end a property. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Each line made inert (printable) before the lines are joined: cluster text cannot forge a command. */
export function inert(text: string): string {
  return text
    .split('\n')
    .map((l) => printable(l))
    .join('\n');
}

/** `::error title=…::message` (or `::notice`/`::warning`), one line. */
export function annotation(level: 'error' | 'warning' | 'notice', title: string, message: string): string {
  return `::${level} title=${escapeProperty(inert(title))}::${escapeData(inert(message))}\n`;
}

/** Tells the runner to hide `value` in the rest of the log. */
export function addMask(value: string): string {
  return `::add-mask::${escapeData(value)}\n`;
}

/** A token for `::stop-commands::TOKEN` … `::TOKEN::`: nothing printed between them is a command. */
export function stopCommandsToken(): string {
  return randomBytes(16).toString('hex');
}

/** Appends `name=value`, or `name<<DELIMITER` … for a value with a line break (the runner's two forms). */
export function setOutput(file: string, name: string, value: string): void {
  if (!/[\r\n]/.test(value)) {
    appendFileSync(file, `${name}=${value}\n`);
    return;
  }
  let delimiter = `ghadelimiter_${randomBytes(16).toString('hex')}`;
  while (value.includes(delimiter)) delimiter = `ghadelimiter_${randomBytes(16).toString('hex')}`;
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}
