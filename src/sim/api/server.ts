// The playground's kube-apiserver: HTTPS with a generated CA, bearer tokens, discovery, OpenAPI v2 and v3,
// CRUD/patch/watch over the Registry, Tables, and /sim/v1 (request log, fault injection).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import yaml from 'js-yaml';
import {
  groupResource,
  type KObject,
  type PatchType,
  type Registry,
  type RequestContext,
  type WatchEvent,
} from './contracts.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.js';
import { parseJson, readRawBody, sendJson, sendStatus, toStatus, truthyParam } from './http-util.js';
import { openApiGroupVersion, openApiIndex } from './openapi.js';
import { serveOpenApiV2 } from './openapi-v2.js';
import { LEAST_ROLE_USER, leastRoleAllows, leastRoleForbidden, requestAttributes } from './least-role.js';
import { applyWriteParams, decodeObject, deleteOptions, forbiddenFor, type Target } from './request-options.js';
import { SimControl, type RequestRecord } from './sim-control.js';
import { handleSim, injectFault, VIEWER_USER } from './sim-routes.js';
import {
  badRequest,
  failure,
  internalError,
  methodNotAllowed,
  pathNotFound,
  unauthorized,
  unsupportedMediaType,
  CR_PATCH_TYPES,
} from './status.js';
import { toTable, wantsTable, type IncludeObject } from './table.js';
import { generateTls, type TlsMaterial } from './tls.js';

/** Options of startApiServer. */
export interface ApiServerOptions {
  registry: Registry;
  /** 0 or unset: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Bearer token with full access (user `bgctl-admin`). */
  token: string;
  /** Bearer token allowed only get/list/watch (user `bgctl-viewer`). */
  readOnlyToken?: string;
  /** Bearer token allowed only docs/in-cluster.md's least Role (user `bgctl-least`, least-role.ts). */
  leastRoleToken?: string;
  /** Reuse TLS material instead of generating it. */
  tls?: TlsMaterial;
}

/** A running API server. */
export interface ApiServer {
  url: string;
  port: number;
  caPem: string;
  /** Request log and faults (what /sim/v1 exposes), for in-process use. */
  control: SimControl;
  stop(): Promise<void>;
}

const ADMIN = 'bgctl-admin';
const VIEWER = VIEWER_USER;
const READ_VERBS = new Set(['get', 'list', 'watch']);
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);
const NS_PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];
const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** A `%` in the path not followed by two hex digits: Go's url.ParseRequestURI refuses the request line. */
function hasBadPathEscape(requestUri: string): boolean {
  const path = requestUri.split('?')[0];
  return /%(?![0-9A-Fa-f]{2})/.test(path);
}

/** What Go's net/http writes for a request line it cannot parse: plain text, then it hangs up. */
function badRequestLine(res: ServerResponse): void {
  res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
  res.end('400 Bad Request');
}

/** Go's path unescaping: any byte sequence is accepted; invalid UTF-8 does not fail the request. */
function unescapePathSegment(seg: string): string {
  if (!seg.includes('%')) return seg;
  const parts = seg
    .split(/(%[0-9A-Fa-f]{2})/)
    .map((p) => (/^%[0-9A-Fa-f]{2}$/.test(p) ? Buffer.from([parseInt(p.slice(1), 16)]) : Buffer.from(p, 'utf8')));
  return Buffer.concat(parts).toString('utf8');
}

/** Starts the HTTPS API server; resolves once it listens. */
export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const tls = opts.tls ?? (await generateTls());
  const control = new SimControl();
  const watches = new Set<() => void>();
  const sockets = new Set<Socket>();
  const host = opts.host ?? '127.0.0.1';
  let address = `${host}:0`;
  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendStatus(res, toStatus(err));
      else res.end();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (hasBadPathEscape(req.url ?? '/')) return badRequestLine(res);
    const url = new URL(req.url ?? '/', 'https://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
    const method = req.method ?? 'GET';
    const userAgent = req.headers['user-agent'] ?? '';
    const user = authenticate(req.headers.authorization);
    const rec: RequestRecord = {
      time: new Date().toISOString(),
      method,
      path,
      query,
      verb: method.toLowerCase(),
      code: 0,
      userAgent,
    };
    if (user) rec.user = user;
    const isSim = path === '/sim/v1' || path.startsWith('/sim/v1/');
    let logged = false;
    const log = (code: number): void => {
      if (logged || isSim) return;
      logged = true;
      rec.code = code;
      control.log(rec);
    };
    const send = (
      code: number,
      body: unknown,
      o: { warnings?: string[]; headers?: Record<string, string> } = {},
    ): void => {
      log(code);
      sendJson(res, code, body, { ...o, pretty: truthyParam(query.pretty) });
    };
    const fail = (err: unknown, warnings?: string[]): void => {
      const status = toStatus(err);
      log(status.code);
      sendStatus(res, status, warnings);
    };

    if (!user && !PUBLIC_PATHS.has(path)) return fail(unauthorized());
    if (isSim) return handleSim(control, req, res, path, method, user!);
    if (user === LEAST_ROLE_USER) {
      const attrs = requestAttributes(path, method, query);
      if (attrs && !leastRoleAllows(attrs)) {
        rec.verb = attrs.verb;
        rec.resource = attrs.resource;
        return fail(leastRoleForbidden(attrs));
      }
    }
    if (path === '/version') return send(200, versionInfo());
    if (['/healthz', '/livez', '/readyz'].includes(path)) {
      log(200);
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end('ok');
    }
    const defs = opts.registry.resources();
    if (method === 'GET') {
      if (path === '/api') return send(200, apiVersions(address));
      if (path === '/apis') return send(200, apiGroupList(defs));
      if (path === '/openapi/v3') return send(200, openApiIndex(defs));
      if (path === '/openapi/v2') return serveOpenApiV2(req, res, defs, log);
      const oa = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
      if (oa) {
        const doc = oa[1] ? openApiGroupVersion(defs, '', 'v1') : openApiGroupVersion(defs, oa[2], oa[3]);
        return doc ? send(200, doc) : fail(pathNotFound());
      }
      if (path === '/api/v1') return send(200, apiResourceList(defs, '', 'v1'));
      const g = /^\/apis\/([^/]+)$/.exec(path);
      if (g) {
        const doc = apiGroup(defs, g[1]);
        return doc ? send(200, doc) : fail(pathNotFound());
      }
      const gv = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
      if (gv) {
        const doc = apiResourceList(defs, gv[1], gv[2]);
        return doc ? send(200, doc) : fail(pathNotFound());
      }
    }
    let target: Target | undefined;
    try {
      target = resolve(path, method, query);
    } catch (err) {
      return fail(err);
    }
    if (!target) return fail(pathNotFound());
    const t = target;
    rec.verb = t.verb;
    rec.resource = t.def.plural;
    if (t.sub) rec.subresource = t.sub;
    if (t.namespace) rec.namespace = t.namespace;
    if (t.name) rec.name = t.name;
    if (user === VIEWER && !READ_VERBS.has(t.verb)) return fail(forbiddenFor(user, t));
    const latency = control.latencyMs(t.verb, t.def.plural);
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    const fault = control.pickFault(t.verb, t.def.plural);
    if (fault) {
      rec.fault = fault.kind;
      return injectFault(res, fault, t, log);
    }
    const ctx: RequestContext & { force?: boolean } = { user: user!, warnings: [] };
    try {
      const raw = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) ? await readRawBody(req) : Buffer.alloc(0);
      await serveResource(req, res, t, query, raw, ctx, { send, fail, log });
    } catch (err) {
      if (res.headersSent) res.end();
      else fail(err, ctx.warnings);
    }
  }

  function authenticate(header: string | undefined): string | undefined {
    const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
    if (!m) return undefined;
    if (m[1] === opts.token) return ADMIN;
    if (opts.readOnlyToken && m[1] === opts.readOnlyToken) return VIEWER;
    if (opts.leastRoleToken && m[1] === opts.leastRoleToken) return LEAST_ROLE_USER;
    return undefined;
  }

  function resolve(path: string, method: string, query: Record<string, string>): Target | undefined {
    const seg = path.split('/').filter(Boolean).map(unescapePathSegment);
    let group: string;
    let version: string;
    let rest: string[];
    if (seg[0] === 'api' && seg.length >= 2) [group, version, rest] = ['', seg[1], seg.slice(2)];
    else if (seg[0] === 'apis' && seg.length >= 3) [group, version, rest] = [seg[1], seg[2], seg.slice(3)];
    else return undefined;
    let namespace: string | undefined;
    const coreNsSub =
      group === '' && rest[0] === 'namespaces' && rest.length === 3 && ['status', 'finalize'].includes(rest[2]);
    if (rest[0] === 'namespaces' && rest.length >= 3 && !coreNsSub) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, sub, ...extra] = rest;
    if (!plural || extra.length) return undefined;
    const def = opts.registry.resource(plural, group);
    if (!def || def.version !== version) return undefined;
    if (namespace !== undefined && !def.namespaced) return undefined;
    if (def.namespaced && namespace === undefined && name !== undefined) return undefined;
    if (sub !== undefined && (sub !== 'status' || !def.hasStatus)) return undefined;
    let verb: string;
    switch (method) {
      case 'GET':
        verb = truthyParam(query.watch) ? 'watch' : name ? 'get' : 'list';
        break;
      case 'POST':
        if (name) throw methodNotAllowed('POST', def);
        verb = 'create';
        break;
      case 'PUT':
        verb = 'update';
        break;
      case 'PATCH':
        verb = 'patch';
        break;
      case 'DELETE':
        if (!name && def.group === '') throw methodNotAllowed('deletecollection', def);
        verb = name ? 'delete' : 'deletecollection';
        break;
      default:
        throw failure(
          405,
          'MethodNotAllowed',
          `${method} is not supported on resources of kind "${groupResource(def)}"`,
          {},
        );
    }
    if ((verb === 'update' || verb === 'patch') && !name) throw methodNotAllowed(method, def);
    return { def, namespace, name, sub: sub as 'status' | undefined, verb };
  }

  async function serveResource(
    req: IncomingMessage,
    res: ServerResponse,
    t: Target,
    q: Record<string, string>,
    raw: Buffer,
    ctx: RequestContext & { force?: boolean },
    io: {
      send: (code: number, body: unknown, o?: { warnings?: string[] }) => void;
      fail: (err: unknown, warnings?: string[]) => void;
      log: (code: number) => void;
    },
  ): Promise<void> {
    const reg = opts.registry;
    const { def, namespace: ns, name } = t;
    const body = raw.toString('utf8');
    const table = wantsTable(req.headers.accept);
    const include = (q.includeObject as IncludeObject) || 'Metadata';
    const opName = {
      create: 'CreateOptions',
      update: 'UpdateOptions',
      patch: 'PatchOptions',
      delete: 'DeleteOptions',
      deletecollection: 'DeleteOptions',
    }[t.verb];
    if (opName) applyWriteParams(ctx, q, opName, req.headers['user-agent']);
    const done = (code: number, obj: unknown): void => io.send(code, obj, { warnings: ctx.warnings });
    switch (t.verb) {
      case 'get': {
        const obj = reg.get(def, ns, name!);
        return done(200, table ? toTable(def, [obj], { resourceVersion: obj.metadata.resourceVersion }, include) : obj);
      }
      case 'list': {
        const limit = q.limit !== undefined ? Number(q.limit) : undefined;
        if (limit !== undefined && (!Number.isInteger(limit) || limit < 0))
          throw badRequest(`invalid limit: ${q.limit}`);
        const r = reg.list(def, ns, {
          labelSelector: q.labelSelector,
          fieldSelector: q.fieldSelector,
          limit,
          continue: q.continue,
          resourceVersion: q.resourceVersion,
        });
        const meta: Record<string, unknown> = { resourceVersion: r.resourceVersion };
        if (r.continue) meta.continue = r.continue;
        if (r.remainingItemCount !== undefined) meta.remainingItemCount = r.remainingItemCount;
        if (table) return done(200, toTable(def, r.items, meta, include));
        return done(200, {
          apiVersion: def.group ? `${def.group}/${def.version}` : def.version,
          kind: def.listKind,
          metadata: meta,
          items: r.items,
        });
      }
      case 'watch':
        return startWatch(req, res, t, q, table, include, io.log);
      case 'create': {
        const obj = decodeObject(raw, req.headers['content-type'], def);
        return done(201, reg.create(def, ns, obj, ctx));
      }
      case 'update': {
        const obj = decodeObject(raw, req.headers['content-type'], def);
        if (obj.metadata?.name !== undefined && obj.metadata.name !== name) {
          throw badRequest(
            `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
          );
        }
        obj.metadata = { ...(obj.metadata ?? {}), name: name! };
        if (def.namespaced && obj.metadata.namespace && obj.metadata.namespace !== ns) {
          throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
        }
        return done(200, t.sub ? reg.updateStatus(def, ns, obj, ctx) : reg.update(def, ns, obj, ctx));
      }
      case 'patch': {
        const ct = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
        const type = PATCH_TYPES[ct];
        const accepted = def.group ? CR_PATCH_TYPES : NS_PATCH_TYPES;
        if (!type || !accepted.includes(ct)) throw unsupportedMediaType(accepted);
        let patchBody: unknown;
        if (type === 'apply') {
          try {
            patchBody = yaml.load(body);
          } catch (err) {
            throw badRequest(`error decoding YAML: ${(err as Error).message}`);
          }
        } else if (ctx.fieldValidation !== 'Ignore' || type === 'strategic')
          patchBody = parseJson(body, 'error decoding patch: ');
        else {
          // Without the strict decode, json-patch's own decoders meet the broken JSON.
          try {
            patchBody = parseJson(body, '');
          } catch (err) {
            if (type === 'merge') throw badRequest('Invalid JSON Patch');
            throw err;
          }
        }
        if (type === 'apply') ctx.fieldManager = q.fieldManager;
        const r = reg.patch(def, ns, name!, type, patchBody, { ...ctx, subresource: t.sub });
        return done(r.created ? 201 : 200, r.object);
      }
      case 'delete': {
        const o = deleteOptions(body, q);
        const r = reg.delete(def, ns, name!, { ...ctx, ...o });
        return done(200, r.status ?? r.object);
      }
      case 'deletecollection': {
        const o = deleteOptions(body, q);
        const items = reg.list(def, ns, { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector }).items;
        const deleted: KObject[] = [];
        for (const it of items) {
          try {
            deleted.push(reg.delete(def, it.metadata.namespace, it.metadata.name, { ...ctx, ...o }).object);
          } catch {
            // Gone meanwhile.
          }
        }
        return done(200, {
          apiVersion: `${def.group}/${def.version}`,
          kind: def.listKind,
          metadata: { resourceVersion: String(reg.currentResourceVersion()) },
          items: deleted,
        });
      }
      default:
        throw internalError(`unhandled verb ${t.verb}`);
    }
  }

  function startWatch(
    req: IncomingMessage,
    res: ServerResponse,
    t: Target,
    q: Record<string, string>,
    table: boolean,
    include: IncludeObject,
    log: (code: number) => void,
  ): void {
    let fieldSelector = q.fieldSelector;
    if (t.name) fieldSelector = [`metadata.name=${t.name}`, fieldSelector].filter(Boolean).join(',');
    const pending: WatchEvent[] = [];
    let live = false;
    let closed = false;
    let first = true;
    let timer: NodeJS.Timeout | undefined;
    let faultTimer: NodeJS.Timeout | undefined;
    const write = (ev: WatchEvent): void => {
      if (closed) return;
      let object: unknown = ev.object;
      if (table) {
        if (ev.type === 'BOOKMARK') return;
        if (ev.type !== 'ERROR') {
          const obj = ev.object as KObject;
          object = toTable(t.def, [obj], { resourceVersion: obj.metadata.resourceVersion }, include, first);
          first = false;
        }
      }
      res.write(JSON.stringify({ type: ev.type, object }) + '\n');
      if (ev.type === 'ERROR') end();
    };
    const end = (): void => {
      if (closed) return;
      closed = true;
      stop();
      watches.delete(end);
      if (timer) clearTimeout(timer);
      if (faultTimer) clearTimeout(faultTimer);
      res.end();
    };
    const stop = opts.registry.watch(
      t.def,
      t.namespace,
      {
        resourceVersion: q.resourceVersion,
        labelSelector: q.labelSelector,
        fieldSelector,
        allowWatchBookmarks: truthyParam(q.allowWatchBookmarks),
      },
      (ev) => (live ? write(ev) : pending.push(ev)),
    );
    log(200);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    watches.add(end);
    res.on('close', end);
    live = true;
    for (const ev of pending) write(ev);
    const timeout = Number(q.timeoutSeconds);
    if (timeout > 0) timer = setTimeout(end, timeout * 1000);
    const cut = control.closeWatchAfterMs();
    if (cut !== undefined) faultTimer = setTimeout(end, cut);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolveListen());
  });
  const port = (server.address() as { port: number }).port;
  address = `${host}:${port}`;
  return {
    url: `https://${host}:${port}`,
    port,
    caPem: tls.caPem,
    control,
    async stop() {
      for (const end of [...watches]) end();
      await new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
