import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/core/errors.js';
import { PRESETS, parsePresetFlag, pickPreset } from '../../src/core/gates/presets.js';
import { renderQuery, validateTemplate } from '../../src/core/gates/query.js';
import { BUILTIN_MEASURES } from '../../src/core/gates/types.js';

const ctx = { namespace: 'demo', service: 'hello', revision: 'hello-00002', windowMs: 120_000 };

describe('query presets', () => {
  test('the current preset reads the OpenTelemetry histogram', () => {
    const sel = 'k8s_namespace_name="demo",kn_revision_name="hello-00002"';
    const q = (m: keyof (typeof PRESETS)['knative']['queries']) => renderQuery(PRESETS.knative.queries[m], ctx);
    assert.equal(q('requests'), `sum(increase(kn_serving_invocation_duration_seconds_count{${sel}}[120s]))`);
    assert.equal(
      q('error-rate'),
      `100 * (sum(increase(kn_serving_invocation_duration_seconds_count{${sel},http_response_status_code=~"5.."}` +
        `[120s])) or vector(0)) / sum(increase(kn_serving_invocation_duration_seconds_count{${sel}}[120s]))`,
    );
    assert.equal(
      q('latency-p99'),
      '1000 * histogram_quantile(0.99, sum by (le) ' +
        `(rate(kn_serving_invocation_duration_seconds_bucket{${sel}}[120s])))`,
    );
    assert.match(q('latency-p50'), /histogram_quantile\(0\.5,/);
    assert.match(q('latency-p95'), /histogram_quantile\(0\.95,/);
    assert.equal(PRESETS.knative.requestSeries, 'kn_serving_invocation_duration_seconds_count');
  });

  test('the legacy preset reads the OpenCensus series, already in milliseconds', () => {
    const sel = 'namespace_name="demo",revision_name="hello-00002"';
    const q = (m: keyof (typeof PRESETS)['knative']['queries']) =>
      renderQuery(PRESETS['knative-legacy'].queries[m], ctx);
    assert.equal(q('requests'), `sum(increase(revision_app_request_count{${sel}}[120s]))`);
    assert.equal(
      q('error-rate'),
      `100 * (sum(increase(revision_app_request_count{${sel},response_code_class="5xx"}[120s])) or vector(0))` +
        ` / sum(increase(revision_app_request_count{${sel}}[120s]))`,
    );
    assert.equal(
      q('latency-p95'),
      `histogram_quantile(0.95, sum by (le) (rate(revision_app_request_latencies_bucket{${sel}}[120s])))`,
    );
    assert.equal(PRESETS['knative-legacy'].requestSeries, 'revision_app_request_count');
  });

  test('the knative-1.19 preset reads the same histogram under its first name, and says its latencies are coarse', () => {
    const sel = 'k8s_namespace_name="demo",kn_revision_name="hello-00002"';
    const q = (m: keyof (typeof PRESETS)['knative']['queries']) => renderQuery(PRESETS['knative-1.19'].queries[m], ctx);
    assert.equal(q('requests'), `sum(increase(kn_queueproxy_app_duration_seconds_count{${sel}}[120s]))`);
    assert.equal(
      q('error-rate'),
      `100 * (sum(increase(kn_queueproxy_app_duration_seconds_count{${sel},http_response_status_code=~"5.."}` +
        `[120s])) or vector(0)) / sum(increase(kn_queueproxy_app_duration_seconds_count{${sel}}[120s]))`,
    );
    assert.equal(
      q('latency-p95'),
      '1000 * histogram_quantile(0.95, sum by (le) ' +
        `(rate(kn_queueproxy_app_duration_seconds_bucket{${sel}}[120s])))`,
    );
    assert.equal(PRESETS['knative-1.19'].requestSeries, 'kn_queueproxy_app_duration_seconds_count');
    assert.match(PRESETS['knative-1.19'].latencyCaveat ?? '', /whole seconds.*under 1s.*cannot fail/);
    assert.equal(PRESETS.knative.latencyCaveat, undefined);
    assert.equal(PRESETS['knative-legacy'].latencyCaveat, undefined);
  });

  test('every preset query is a valid template and escapes the revision', () => {
    for (const preset of Object.values(PRESETS)) {
      for (const m of BUILTIN_MEASURES) {
        validateTemplate(preset.queries[m], m);
        const out = renderQuery(preset.queries[m], { ...ctx, revision: 'a"b' });
        assert.ok(out.includes('="a\\"b"') && !out.includes('{{'), `${preset.name} ${m}: ${out}`);
      }
    }
  });
});

describe('choosing a preset', () => {
  test('auto picks the format whose request series exists', () => {
    assert.equal(pickPreset(['up', 'kn_serving_invocation_duration_seconds_count']), 'knative');
    assert.equal(pickPreset(['revision_app_request_count', 'up']), 'knative-legacy');
    assert.equal(pickPreset(['revision_app_request_count', 'kn_serving_invocation_duration_seconds_count']), 'knative');
    assert.equal(pickPreset(['kn_queueproxy_app_duration_seconds_count', 'up']), 'knative-1.19');
  });

  test('auto with several formats (an upgrade in progress) picks the newest: knative, knative-1.19, legacy', () => {
    const current = 'kn_serving_invocation_duration_seconds_count';
    const v119 = 'kn_queueproxy_app_duration_seconds_count';
    const legacy = 'revision_app_request_count';
    assert.equal(pickPreset([legacy, v119]), 'knative-1.19');
    assert.equal(pickPreset([v119, current]), 'knative');
    assert.equal(pickPreset([legacy, v119, current]), 'knative');
    // Only the bucket or sum series of the 1.19 histogram is not its request series.
    assert.throws(() => pickPreset(['kn_queueproxy_app_duration_seconds_bucket']), /NoKnativeMetrics|none of/);
  });

  test('auto without Knative metrics is a usage error naming every series it looked for', () => {
    for (const names of [[], ['up', 'revision_app_request_latencies_bucket']]) {
      assert.throws(
        () => pickPreset(names),
        (e: unknown) =>
          e instanceof UsageError &&
          e.reason === 'NoKnativeMetrics' &&
          /kn_serving_invocation_duration_seconds_count, kn_queueproxy_app_duration_seconds_count, revision_app_request_count/.test(
            e.message,
          ) &&
          /--metrics-preset knative\|knative-1\.19\|knative-legacy/.test(e.hint ?? ''),
      );
    }
  });

  test('--metrics-preset takes auto, knative, knative-1.19, knative-legacy', () => {
    assert.equal(parsePresetFlag('auto'), 'auto');
    assert.equal(parsePresetFlag('knative'), 'knative');
    assert.equal(parsePresetFlag('knative-1.19'), 'knative-1.19');
    assert.equal(parsePresetFlag('knative-legacy'), 'knative-legacy');
    assert.throws(
      () => parsePresetFlag('Knative'),
      (e: unknown) => e instanceof UsageError && e.reason === 'InvalidPreset',
    );
    assert.throws(() => parsePresetFlag('legacy'), /one of auto, knative, knative-1\.19, knative-legacy/);
    assert.throws(() => parsePresetFlag('knative-1.20'), /InvalidPreset|one of/);
  });
});
