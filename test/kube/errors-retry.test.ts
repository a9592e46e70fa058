import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException } from '@kubernetes/client-node';
import { CancelError, ClusterAccessError, ConflictError, FailedError } from '../../src/core/errors.js';
import {
  StaleWriteError,
  parseStatus,
  retryAfterMs,
  transientOf,
  translateError,
  type RequestInfo,
} from '../../src/kube/errors.js';
import { backoffDelay, defaultRetryPolicy, withRetry } from '../../src/kube/retry.js';
import { redactHeaderValue, redactText } from '../../src/core/redact.js';

const cluster = { server: 'https://127.0.0.1:6443', context: 'play', secrets: ['sekret-token-abcdef'] };
const getSvc: RequestInfo = { verb: 'get', resource: 'services', name: 'hello', namespace: 'demo' };
const status = (code: number, reason: string, message: string, details: object = {}) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message, details });
const api = (code: number, body: string | undefined, headers: Record<string, string> = {}) =>
  new ApiException(code, 'Unknown API Status Code!', body, headers);

describe('translateError', () => {
  test('401 has no body and becomes exit 4 without any credential in the message', () => {
    const e = translateError(api(401, undefined), getSvc, cluster);
    assert.ok(e instanceof ClusterAccessError);
    assert.equal(e.reason, 'Unauthorized');
    assert.match(e.message, /rejected the credentials of context "play"/);
    assert.doesNotMatch(e.message + e.hint, /sekret/);
  });

  test('403 names the verb and resource and suggests kubectl auth can-i', () => {
    const msg =
      'services.serving.knative.dev "hello" is forbidden: User "viewer" cannot patch resource "services" in API group "serving.knative.dev" in the namespace "demo"';
    const e = translateError(api(403, status(403, 'Forbidden', msg)), { ...getSvc, verb: 'patch' }, cluster);
    assert.ok(e instanceof ClusterAccessError);
    assert.match(e.message, /not allowed to patch service "hello" in namespace "demo"/);
    assert.equal(e.hint, 'check your permissions with: kubectl auth can-i patch services.serving.knative.dev -n demo');
  });

  test('404: a named service is FailedError, a missing API is "Knative Serving is not installed"', () => {
    const nf = translateError(
      api(
        404,
        status(404, 'NotFound', 'services.serving.knative.dev "hello" not found', {
          name: 'hello',
          group: 'serving.knative.dev',
          kind: 'services',
        }),
      ),
      getSvc,
      cluster,
    );
    assert.ok(nf instanceof FailedError);
    assert.equal(nf.reason, 'NotFound');
    assert.match(nf.hint ?? '', /bgctl status -n demo/);
    const missingApi = translateError(
      api(404, status(404, 'NotFound', 'the server could not find the requested resource')),
      getSvc,
      cluster,
    );
    assert.ok(missingApi instanceof ClusterAccessError);
    assert.equal(missingApi.exitCode, 4);
    assert.match(missingApi.message, /Knative Serving is not installed/);
    const plain = translateError(
      api(404, '404 page not found'),
      { verb: 'list', resource: 'services', namespace: 'demo' },
      cluster,
    );
    assert.equal(plain.reason, 'KnativeNotInstalled');
    const ns = translateError(
      api(404, status(404, 'NotFound', 'namespaces "nope" not found', { name: 'nope', kind: 'namespaces' })),
      { verb: 'create', resource: 'services', name: 'x', namespace: 'nope' },
      cluster,
    );
    assert.equal(ns.reason, 'NamespaceNotFound');
  });

  test('409 Conflict is a retryable StaleWriteError; AlreadyExists is not', () => {
    const c = translateError(
      api(
        409,
        status(
          409,
          'Conflict',
          'Operation cannot be fulfilled on services.serving.knative.dev "hello": the object has been modified; please apply your changes to the latest version and try again',
        ),
      ),
      getSvc,
      cluster,
    );
    assert.ok(c instanceof StaleWriteError);
    assert.ok(c instanceof ConflictError);
    assert.equal(c.exitCode, 5);
    const ae = translateError(api(409, status(409, 'AlreadyExists', 'exists')), { ...getSvc, verb: 'create' }, cluster);
    assert.ok(ae instanceof FailedError && !(ae instanceof ConflictError));
  });

  test('400/422 carry the server message (e.g. the admission webhook denial)', () => {
    const msg =
      'admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed: Traffic targets sum to 90, want 100: spec.traffic';
    const e = translateError(api(400, status(400, 'BadRequest', msg)), { ...getSvc, verb: 'patch' }, cluster);
    assert.ok(e instanceof FailedError);
    assert.equal(e.exitCode, 1);
    assert.ok(e.message.includes(msg));
  });

  test('429, 500 and 503 are transient; 429 keeps Retry-After and is safe even for unconditional writes', () => {
    const r = translateError(
      api(429, 'Too many requests, please try again later.', { 'retry-after': '3' }),
      getSvc,
      cluster,
    );
    assert.deepEqual(transientOf(r), { retryAfterMs: 3000, notProcessed: true });
    assert.ok(r instanceof ClusterAccessError);
    const s = translateError(api(503, status(503, 'ServiceUnavailable', 'down')), getSvc, cluster);
    assert.equal(transientOf(s)?.notProcessed, false);
    assert.ok(transientOf(translateError(api(500, status(500, 'InternalError', 'boom')), getSvc, cluster)));
    assert.equal(transientOf(translateError(api(400, status(400, 'BadRequest', 'x')), getSvc, cluster)), undefined);
  });

  test('network and parse failures', () => {
    const refused = Object.assign(new Error('request to https://127.0.0.1:1/ failed, reason: connect ECONNREFUSED'), {
      name: 'FetchError',
      code: 'ECONNREFUSED',
    });
    assert.equal(translateError(refused, getSvc, cluster).reason, 'ConnectionRefused');
    const tls = Object.assign(new Error('unable to verify the first certificate'), {
      name: 'FetchError',
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    assert.equal(translateError(tls, getSvc, cluster).reason, 'TLSVerificationFailed');
    const reset = Object.assign(new Error('socket hang up'), { name: 'FetchError', code: 'ECONNRESET' });
    assert.ok(transientOf(translateError(reset, getSvc, cluster)));
    const garbage = new SyntaxError('Unexpected token < in JSON at position 0');
    assert.equal(translateError(garbage, getSvc, cluster).reason, 'NotKubernetes');
    const abort = Object.assign(new Error('The user aborted a request.'), { name: 'AbortError', type: 'aborted' });
    assert.ok(translateError(abort, getSvc, cluster) instanceof CancelError);
    const timedOut = translateError(abort, getSvc, cluster, { timedOut: true, timeoutMs: 2000 });
    assert.equal(timedOut.reason, 'RequestTimeout');
    assert.match(timedOut.message, /within 2s/);
    const leaky = Object.assign(new Error('plugin said Bearer sekret-token-abcdef'), { code: 'EWHATEVER' });
    assert.doesNotMatch(translateError(leaky, getSvc, cluster).message, /sekret/);
  });

  test('parseStatus and retryAfterMs', () => {
    assert.equal(parseStatus('not json'), undefined);
    assert.equal(parseStatus(undefined), undefined);
    assert.equal(parseStatus(status(410, 'Expired', 'old'))?.reason, 'Expired');
    assert.equal(retryAfterMs({ 'retry-after': '2' }), 2000);
    assert.equal(retryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, undefined, 4_000), 6000);
    assert.equal(retryAfterMs({}, { details: { retryAfterSeconds: 1 } }), 1000);
    assert.equal(retryAfterMs({}), undefined);
  });
});

describe('redaction', () => {
  test('headers keep the scheme, never the credential', () => {
    assert.equal(redactHeaderValue('Authorization', 'Bearer abc.def'), 'Bearer <redacted>');
    assert.equal(redactHeaderValue('X-Api-Token', 'abc'), '<redacted>');
    assert.equal(redactHeaderValue('Accept', 'application/json'), 'application/json');
  });
  test('free text loses known secrets, bearer values and private keys', () => {
    const text =
      'a sekret-token-abcdef b Bearer xyz.123 -----BEGIN RSA PRIVATE KEY-----\nAAA\n-----END RSA PRIVATE KEY----- {"token":"t0ken"}';
    const out = redactText(text, ['sekret-token-abcdef']);
    assert.doesNotMatch(out, /sekret|xyz\.123|AAA|t0ken/);
  });
});

describe('withRetry', () => {
  const transient = () => translateError(api(503, status(503, 'ServiceUnavailable', 'down')), getSvc, cluster);
  const limited = (after?: string) =>
    translateError(api(429, 'slow down', after ? { 'retry-after': after } : {}), getSvc, cluster);

  test('retries transient failures with jittered exponential backoff, then succeeds', async () => {
    const waits: number[] = [];
    const policy = defaultRetryPolicy({
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.5,
      baseDelayMs: 100,
    });
    let calls = 0;
    const result = await withRetry(async () => {
      calls++;
      if (calls < 4) throw transient();
      return 'ok';
    }, policy);
    assert.equal(result, 'ok');
    assert.equal(calls, 4);
    assert.deepEqual(waits, [75, 150, 300]);
  });

  test('honours Retry-After, capped', async () => {
    const waits: number[] = [];
    const policy = defaultRetryPolicy({
      sleep: async (ms) => void waits.push(ms),
      random: () => 0,
      maxRetryAfterMs: 5000,
    });
    let calls = 0;
    await withRetry(async () => {
      if (++calls === 1) throw limited('2');
      if (calls === 2) throw limited('3600');
      return 1;
    }, policy);
    assert.deepEqual(waits, [2000, 5000]);
  });

  test('gives up after maxAttempts with the last error; never retries a permanent error', async () => {
    const policy = defaultRetryPolicy({ sleep: async () => {}, maxAttempts: 3 });
    let calls = 0;
    await assert.rejects(
      withRetry(async () => {
        calls++;
        throw transient();
      }, policy),
      (e: any) => e.reason === 'ServiceUnavailable',
    );
    assert.equal(calls, 3);
    calls = 0;
    await assert.rejects(
      withRetry(async () => {
        calls++;
        throw new FailedError('nope');
      }, policy),
    );
    assert.equal(calls, 1);
  });

  test('an unconditional write is repeated only when the server did not process it (429)', async () => {
    const policy = defaultRetryPolicy({ sleep: async () => {} });
    let calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw transient();
        },
        policy,
        'if-not-processed',
      ),
    );
    assert.equal(calls, 1);
    calls = 0;
    await withRetry(
      async () => {
        if (++calls === 1) throw limited();
        return 1;
      },
      policy,
      'if-not-processed',
    );
    assert.equal(calls, 2);
  });

  test('backoffDelay stays within [step/2, step] and is capped', () => {
    const p = { baseDelayMs: 100, maxDelayMs: 1000 };
    assert.equal(backoffDelay(0, { ...p, random: () => 0 }), 50);
    assert.equal(backoffDelay(0, { ...p, random: () => 0.999999 }), 100);
    assert.equal(backoffDelay(10, { ...p, random: () => 0 }), 500);
  });
});
