// /sim/v1 on the API server: the request log and fault settings, plus injecting a chosen fault.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson, sendStatus } from './http-util.js';
import type { Target } from './request-options.js';
import type { Fault, SimControl } from './sim-control.js';
import { badRequest, conflict, failure, internalError, pathNotFound } from './status.js';

/** The read-only token's user name. */
export const VIEWER_USER = 'bgctl-viewer';

/** /sim/v1/requests (GET, DELETE) and /sim/v1/faults (GET, POST, DELETE); the viewer may only read. */
export function handleSim(
  control: SimControl,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  method: string,
  user: string,
): Promise<void> | void {
  if (user === VIEWER_USER && method !== 'GET') {
    return sendStatus(
      res,
      failure(403, 'Forbidden', `forbidden: User "${user}" cannot ${method.toLowerCase()} path "${path}"`, {}).status,
    );
  }
  if (path === '/sim/v1/requests') {
    if (method === 'GET') return sendJson(res, 200, control.report());
    if (method === 'DELETE') {
      control.resetLog();
      return sendJson(res, 200, { requests: [], counts: {} });
    }
  }
  if (path === '/sim/v1/faults') {
    if (method === 'GET') return sendJson(res, 200, control.getFaults());
    if (method === 'DELETE') {
      control.clearFaults();
      return sendJson(res, 200, {});
    }
    if (method === 'POST' || method === 'PUT') {
      return readBody(req).then((text) => {
        let cfg: unknown;
        try {
          cfg = text ? JSON.parse(text) : {};
        } catch {
          return sendStatus(res, badRequest('fault config is not valid JSON').status);
        }
        const err = control.setFaults(cfg);
        if (err) return sendStatus(res, badRequest(err).status);
        sendJson(res, 200, control.getFaults());
      });
    }
  }
  return sendStatus(res, pathNotFound().status);
}

/** Answers a resource request with an injected fault instead of serving it. */
export function injectFault(res: ServerResponse, fault: Fault, t: Target, log: (code: number) => void): void {
  switch (fault.kind) {
    case 'conflict':
      log(409);
      return sendStatus(res, conflict(t.def, t.name ?? '').status);
    case 'error':
      log(500);
      return sendStatus(res, internalError('injected fault').status);
    case 'unavailable':
      log(503);
      return sendStatus(
        res,
        failure(503, 'ServiceUnavailable', 'The server is currently unable to handle the request', {
          retryAfterSeconds: fault.retryAfter,
        }).status,
      );
    case 'throttle':
      // The real priority-and-fairness rejection is plain text, not a Status.
      log(429);
      res.writeHead(429, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Retry-After': String(fault.retryAfter),
        'X-Content-Type-Options': 'nosniff',
      });
      res.end('Too many requests, please try again later.\n');
  }
}
