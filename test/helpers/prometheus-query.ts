// Reading a test Prometheus (test/helpers/prometheus.ts): instant queries over its HTTP API, and waiting for a value
// by asking again after each event the caller names (e.g. the next scrape of the playground), under a deadline.

/** The value of a one-element vector or scalar answer; undefined for an empty vector. */
export async function queryValue(url: string, promql: string): Promise<number | undefined> {
  const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql })}`);
  const body = (await res.json()) as any;
  if (res.status !== 200 || body.status !== 'success')
    throw new Error(`query ${promql} failed: ${res.status} ${JSON.stringify(body)}`);
  const { resultType, result } = body.data;
  if (resultType === 'scalar') return Number(result[1]);
  if (!result.length) return undefined;
  if (result.length > 1) throw new Error(`query ${promql} returned ${result.length} series`);
  return Number(result[0].value[1]);
}

/**
 * Resolves with the first value of `promql` that satisfies `ok`, asking after every `next()` (an event such as a
 * scrape); rejects after `deadlineMs` with the last value seen.
 */
export async function waitForQuery(
  url: string,
  promql: string,
  ok: (v: number | undefined) => boolean,
  next: () => Promise<void>,
  deadlineMs = 90_000,
): Promise<number | undefined> {
  const deadline = Date.now() + deadlineMs;
  let last: number | undefined;
  for (;;) {
    last = await queryValue(url, promql);
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`${promql} never satisfied the test; last value ${last}`);
    await next();
  }
}
