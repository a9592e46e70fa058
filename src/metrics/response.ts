// Shape checks of Prometheus HTTP API answers (https://prometheus.io/docs/prometheus/latest/querying/api/): a
// server that answers something else gets a clear error naming what was wrong, never a crash further on.

export interface Sample {
  labels: Record<string, string>;
  /** NaN, +Inf and -Inf as JavaScript numbers. */
  value: number;
}

export type QueryResult = { resultType: 'vector'; samples: Sample[] } | { resultType: 'scalar'; value: number };

/** The envelope's error: `{status: "error", errorType, error}`. */
export interface ApiError {
  errorType: string;
  error: string;
}

/** Thrown for an answer of the wrong shape. */
export class ShapeError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The envelope of any answer: its data on success, its error otherwise. */
export function envelope(body: string): { data: unknown } | { error: ApiError } {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new ShapeError('the answer is not JSON');
  }
  if (!isObject(doc)) throw new ShapeError('the answer is not a JSON object');
  if (doc.status === 'success') return { data: doc.data };
  if (doc.status === 'error') {
    return { error: { errorType: String(doc.errorType ?? 'unknown'), error: String(doc.error ?? '').slice(0, 500) } };
  }
  throw new ShapeError('the answer has no "status" of success or error');
}

/** A sample value as Prometheus encodes it: a decimal string, or NaN, +Inf, -Inf. */
export function sampleValue(raw: unknown): number {
  if (raw === 'NaN') return NaN;
  if (raw === '+Inf' || raw === 'Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  if (typeof raw === 'string' && /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return Number(raw);
  throw new ShapeError(`a sample value is not a number: ${JSON.stringify(raw)?.slice(0, 40)}`);
}

/** `[unixSeconds, "value"]`. */
function pair(v: unknown): number {
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number') {
    throw new ShapeError('a sample is not [time, "value"]');
  }
  return sampleValue(v[1]);
}

/** The data of /api/v1/query; a range vector or string is refused by the caller (RangeResultError). */
export function queryData(data: unknown): QueryResult | { resultType: 'matrix' } | { resultType: 'string' } {
  if (!isObject(data)) throw new ShapeError('"data" is not an object');
  switch (data.resultType) {
    case 'scalar':
      return { resultType: 'scalar', value: pair(data.result) };
    case 'vector': {
      if (!Array.isArray(data.result)) throw new ShapeError('the vector "result" is not a list');
      const samples = data.result.map((s): Sample => {
        if (!isObject(s) || !isObject(s.metric)) throw new ShapeError('a vector sample has no "metric" object');
        const labels: Record<string, string> = {};
        for (const [k, v] of Object.entries(s.metric)) {
          if (typeof v !== 'string') throw new ShapeError(`the label ${JSON.stringify(k)} is not a string`);
          labels[k] = v;
        }
        return { labels, value: pair(s.value) };
      });
      return { resultType: 'vector', samples };
    }
    case 'matrix':
    case 'string':
      return { resultType: data.resultType };
    default:
      throw new ShapeError(`unknown "resultType" ${JSON.stringify(data.resultType)?.slice(0, 40)}`);
  }
}

/** The data of /api/v1/label/<name>/values: a list of strings. */
export function labelValues(data: unknown): string[] {
  if (!Array.isArray(data) || !data.every((v) => typeof v === 'string')) {
    throw new ShapeError('"data" is not a list of strings');
  }
  return data;
}
