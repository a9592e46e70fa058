// `-o json|yaml` writers: one document on stdout. YAML comes from the same JSON-normalised value (sorted keys, no
// anchors). js-yaml loads on the YAML path only, synchronously, through a require made on first use.
import { createRequire } from 'node:module';
import type { BgctlDocument } from '../core/document.js';
import { UsageError } from '../core/errors.js';
import type { IOStreams } from './iostreams.js';
import { quoteInput } from '../core/quote.js';

export type OutputFormat = 'table' | 'json' | 'yaml';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'yaml'];

/** Parses -o/--output; undefined means table. */
export function parseOutputFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === '') return 'table';
  const v = value.toLowerCase();
  if ((OUTPUT_FORMATS as readonly string[]).includes(v)) return v as OutputFormat;
  throw new UsageError(`unknown output format ${quoteInput(value)}: use one of ${OUTPUT_FORMATS.join(', ')}`, {
    reason: 'InvalidOutput',
  });
}

function normalise(doc: BgctlDocument): unknown {
  if (typeof doc?.apiVersion !== 'string' || typeof doc?.kind !== 'string') {
    // A programming error, not a user one: every document must say what it is.
    throw new TypeError('documents printed with -o json|yaml need string apiVersion and kind');
  }
  return JSON.parse(JSON.stringify(doc));
}

export function renderJSON(doc: BgctlDocument): string {
  return JSON.stringify(normalise(doc), null, 2) + '\n';
}

/** One document on one line (newline-delimited JSON, for streams of documents such as `status --watch`). */
export function renderJSONLine(doc: BgctlDocument): string {
  return JSON.stringify(normalise(doc)) + '\n';
}

type JsYaml = typeof import('js-yaml');
let jsYaml: JsYaml | undefined;

function loadYAML(): JsYaml {
  jsYaml ??= createRequire(import.meta.url)('js-yaml') as JsYaml;
  return jsYaml;
}

/** Data from YAML a user wrote (a gates file): JSON's types only, no custom tags; throws js-yaml's error. */
export function parseYAML(text: string): unknown {
  const yaml = loadYAML();
  return yaml.load(text, { schema: yaml.JSON_SCHEMA, json: false });
}

/** YAML text: sorted keys, no refs, no line folding. */
export function renderYAML(doc: BgctlDocument): string {
  return loadYAML().dump(normalise(doc), { sortKeys: true, noRefs: true, lineWidth: -1 });
}

// Streams that already carry their one document (so a failure afterwards prints no second one).
const written = new WeakSet<IOStreams>();

// Streams of documents (status --watch): what follows them, an Error document at the end, is one more item.
const streams = new WeakSet<IOStreams>();

/** Writes one item of a stream of documents: a JSON line, or a YAML document after `---`. */
export function writeStreamDocument(io: IOStreams, format: 'json' | 'yaml', doc: BgctlDocument): void {
  io.out.write(format === 'json' ? renderJSONLine(doc) : `---\n${renderYAML(doc)}`);
  streams.add(io);
}

/** Writes one document to stdout in the given machine format (as the next item after a stream). */
export function writeDocument(io: IOStreams, format: 'json' | 'yaml', doc: BgctlDocument): void {
  if (streams.has(io)) writeStreamDocument(io, format, doc);
  else io.out.write(format === 'json' ? renderJSON(doc) : renderYAML(doc));
  written.add(io);
}

/** Whether writeDocument has written a document to this IOStreams' stdout. */
export function documentWritten(io: IOStreams): boolean {
  return written.has(io);
}
