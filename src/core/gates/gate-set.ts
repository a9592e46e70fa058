// Gates from every source (--gate-query, --gate, --gates FILE) into one checked set.
import { UsageError } from '../errors.js';
import { parseGate } from './expr.js';
import type { GateSet } from './file.js';
import { parseGateQuery } from './query.js';
import { quoteInput } from '../quote.js';
import type { CustomQuery, Gate } from './types.js';

export interface GateSources {
  gateFlags?: readonly string[];
  queryFlags?: readonly string[];
  /** What gatesFromDocument returned for --gates FILE. */
  file?: GateSet;
}

/**
 * Queries first, then gates: a --gate may use a query of the file or of --gate-query (a file's gates
 * were checked against the file's own queries). A query name defined twice and the same gate given
 * twice are refused rather than silently merged.
 */
export function combineGates(src: GateSources): GateSet {
  const queries: CustomQuery[] = [...(src.file?.queries ?? [])];
  for (const raw of src.queryFlags ?? []) {
    const q = parseGateQuery(raw);
    if (queries.some((o) => o.name === q.name)) {
      throw new UsageError(`--gate-query defines ${quoteInput(q.name)} more than once`, {
        reason: 'InvalidGateQuery',
        hint: 'give each custom measure one query (flags and the gates file share names)',
      });
    }
    queries.push(q);
  }
  const names = queries.map((q) => q.name);
  const gates: Gate[] = [...(src.file?.gates ?? [])];
  for (const raw of src.gateFlags ?? []) gates.push(parseGate(raw, names));
  const seen = new Set<string>();
  for (const g of gates) {
    if (seen.has(g.text)) {
      throw new UsageError(`the gate ${quoteInput(g.text)} is given more than once`, { reason: 'InvalidGate' });
    }
    seen.add(g.text);
  }
  return { gates, queries };
}
