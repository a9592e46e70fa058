// A small work pool for Prometheus queries: a few in flight, the first failure stops the rest.

/** Runs the jobs with at most `limit` at once; the first failure aborts `stop` (the rest) and rejects. */
export async function inPool(jobs: (() => Promise<void>)[], limit: number, stop: AbortController): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async () => {
    while (next < jobs.length && !failure) {
      try {
        await jobs[next++]();
      } catch (err) {
        failure ??= { err };
        stop.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  if (failure) throw failure.err;
}

/** Queries in flight at once: enough to be quick, few enough not to load a shared Prometheus. */
export const QUERY_CONCURRENCY = 4;
