// The playground's metrics as a test Prometheus sees them: the next scrape as an event to wait on, and waiting until
// Prometheus has a revision's requests (before that, `auto` finds no series and gates have no data).
import type { Playground } from '../../src/sim/playground.js';
import { waitForQuery } from './prometheus-query.js';

/** Resolves after the playground's /metrics has been scraped once more (the next moment a query can change). */
export const nextScrape = (pg: Playground) => (): Promise<void> =>
  new Promise((resolve) => {
    const off = pg.metricsServer.onScrape(() => {
      off();
      resolve();
    });
  });

/** Waits until Prometheus at `url` has counted requests of `revision` in the playground's metric format. */
export async function untilScraped(pg: Playground, url: string, revision: string): Promise<void> {
  const query =
    pg.requestMetrics.format === 'legacy'
      ? `sum(revision_app_request_count{revision_name="${revision}"})`
      : `sum(kn_serving_invocation_duration_seconds_count{kn_revision_name="${revision}"})`;
  await waitForQuery(url, query, (v) => (v ?? 0) > 0, nextScrape(pg));
}
