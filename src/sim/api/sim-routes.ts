// /sim/v1 on the API server: the request log and fault settings, plus injecting a chosen fault.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson, sendStatus, toStatus } from './http-util.js';
import type { Target } from './request-options.js';
import type { Fault, SimControl } from './sim-control.js';
import { badRequest, conflict, failure, internalError, notFound, pathNotFound } from './status.js';
import { parseLoadRequest, type Load } from '../load.js';
import type { Registry } from './contracts.js';

/** The read-only token's user name. */
export const VIEWER_USER = 'bgctl-viewer';

// The load generator lives beside the API server (it needs the ingress), so the playground attaches it to the
// server's SimControl instead of the API server owning it.
const loads = new WeakMap<SimControl, { load: Load; registry: Registry }>();

/** Serves /sim/v1/load of the API server whose control this is. */
export function attachLoad(control: SimControl, load: Load, registry: Registry): void {
  loads.set(control, { load, registry });
}

/** /sim/v1/requests (GET, DELETE), /sim/v1/faults (GET, POST, DELETE), /sim/v1/load (GET, POST); the viewer reads. */
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
  const attached = loads.get(control);
  if (path === '/sim/v1/load' && attached) {
    if (method === 'GET') return sendJson(res, 200, attached.load.report());
    if (method === 'POST' || method === 'PUT') return setLoad(attached, req, res);
  }
  return sendStatus(res, pathNotFound().status);
}

async function setLoad(
  { load, registry }: { load: Load; registry: Registry },
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let text: string;
  try {
    text = await readBody(req);
  } catch (err) {
    return sendStatus(res, toStatus(err));
  }
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    return sendStatus(res, badRequest('load request is not valid JSON').status);
  }
  const parsed = parseLoadRequest(body);
  if (typeof parsed === 'string') return sendStatus(res, badRequest(parsed).status);
  const def = registry.resource('services', 'serving.knative.dev')!;
  if (!registry.tryGet(def, parsed.namespace, parsed.service))
    return sendStatus(res, notFound(def, parsed.service).status);
  load.set(parsed.namespace, parsed.service, parsed.rps);
  const mine = load.report().services.find((s) => s.namespace === parsed.namespace && s.service === parsed.service);
  sendJson(res, 200, mine);
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
