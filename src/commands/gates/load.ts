// Synthetic requests for an analysis window before any user traffic (--analysis-load): GETs at a steady rate to
// the candidate's tag URL, so the gates have data at 0%. Answers are not judged here: Prometheus measures them.
import type { ConnectTarget } from '../../core/verify.js';
import { createProber } from '../read-views/read-http.js';

export interface LoadRequest {
  url: URL;
  rps: number;
  connectTo?: ConnectTarget;
  signal: AbortSignal;
}

export interface RunningLoad {
  /** Stops sending (requests in flight are abandoned) and says how many were sent. */
  stop(): { sent: number; failed: number };
}

const TICK_MS = 100;
const TIMEOUT_MS = 10_000;

export function startLoad(req: LoadRequest): RunningLoad {
  // A slow candidate must not pile up sockets: at most two seconds' worth of requests in flight.
  const maxInFlight = Math.max(2, req.rps * 2);
  const prober = createProber(Math.min(maxInFlight, 64));
  let stopped = false;
  let sent = 0;
  let failed = 0;
  let inFlight = 0;
  let owed = 0;
  const timer = setInterval(() => {
    owed += (req.rps * TICK_MS) / 1000;
    while (owed >= 1 && inFlight < maxInFlight && !stopped && !req.signal.aborted) {
      owed -= 1;
      inFlight++;
      sent++;
      // No signal per request (hundreds of listeners): closing the prober ends them all.
      void prober.get(req.url, { connectTo: req.connectTo, timeoutMs: TIMEOUT_MS }).then((sample) => {
        inFlight--;
        if (sample.error) failed++;
      });
    }
    owed = Math.min(owed, req.rps);
  }, TICK_MS);
  return {
    stop() {
      clearInterval(timer);
      stopped = true;
      prober.close();
      return { sent, failed };
    },
  };
}
