// Table tests of the read verbs' view models (src/core/views/) and the status renderers.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { RefusedError } from '../../src/core/errors.js';
import { conditionsNotTrue, nextCommand, serviceStatusView } from '../../src/core/views/service-status.js';
import { serviceSummary } from '../../src/core/views/service-status-list.js';
import { knownTags, requireTagUrl, urlView } from '../../src/core/views/url.js';
import { defaultVerifyTag } from '../../src/core/views/verification.js';
import { renderServiceStatus, describeRollout } from '../../src/commands/read-views/read-print.js';
import { renderVerification } from '../../src/commands/verify/run.js';
import { verificationView } from '../../src/core/views/verification.js';
import { parseVerifyFlags, summarize } from '../../src/core/verify.js';
import { rev, revs, state, svc } from '../core/fixtures.js';

const pinned = [{ revisionName: 'hello-00001', percent: 100 }];
const staged = [
  { tag: 'stable', revisionName: 'hello-00001', percent: 100 },
  { tag: 'candidate', revisionName: 'hello-00002', percent: 0 },
];
const split = [
  { tag: 'stable', revisionName: 'hello-00001', percent: 70 },
  { tag: 'candidate', revisionName: 'hello-00002', percent: 30 },
];

describe('nextCommand', () => {
  const cases: Array<[string, Parameters<typeof svc>[0], string | undefined]> = [
    ['unpinned', {}, 'bgctl pin hello'],
    ['pinned, nothing new', { traffic: pinned }, 'bgctl deploy hello --image IMAGE'],
    ['pinned, a newer ready revision', { traffic: pinned, latestReady: 'hello-00002' }, 'bgctl stage hello'],
    [
      'deployed',
      {
        traffic: pinned,
        latestReady: 'hello-00002',
        state: state({ phase: 'deployed', candidate: { tag: 'candidate' } }),
      },
      'bgctl stage hello',
    ],
    ['staged', { traffic: staged, latestReady: 'hello-00002', state: state() }, 'bgctl verify hello --tag candidate'],
    [
      'staged, custom tag',
      {
        traffic: [staged[0], { ...staged[1], tag: 'v2' }],
        latestReady: 'hello-00002',
        state: state({ candidate: { revision: 'hello-00002', tag: 'v2' } }),
      },
      'bgctl verify hello --tag v2',
    ],
    [
      'verified, no steps',
      { traffic: staged, latestReady: 'hello-00002', state: state({ phase: 'verified' }) },
      'bgctl split hello --percent 50',
    ],
    [
      'verified, steps',
      { traffic: staged, latestReady: 'hello-00002', state: state({ phase: 'verified', percents: [10, 50, 100] }) },
      'bgctl split hello --percent 10',
    ],
    [
      'split, next step',
      {
        traffic: split,
        latestReady: 'hello-00002',
        state: state({ phase: 'split', percent: 30, percents: [30, 60], levelIndex: 0 }),
      },
      'bgctl split hello --percent 60',
    ],
    [
      'split, last step',
      { traffic: split, latestReady: 'hello-00002', state: state({ phase: 'split', percent: 30 }) },
      'bgctl promote hello',
    ],
    [
      'drifted',
      { traffic: pinned, latestReady: 'hello-00002', state: state({ phase: 'split', percent: 30 }) },
      'bgctl rollback hello',
    ],
    [
      'promoted',
      {
        traffic: [
          { tag: 'candidate', revisionName: 'hello-00002', percent: 100 },
          { tag: 'previous', revisionName: 'hello-00001', percent: 0 },
        ],
        latestReady: 'hello-00002',
        state: state({ phase: 'promoted', percent: 100, previousTag: 'previous' }),
      },
      'bgctl cleanup hello',
    ],
    [
      'rolled back: a new deploy, not stage of the tagged candidate',
      { traffic: staged, latestReady: 'hello-00002', state: state({ phase: 'rolled-back', percent: 0 }) },
      'bgctl deploy hello --image IMAGE',
    ],
    [
      'aborted: a new deploy, not stage of the tagged candidate',
      { traffic: staged, latestReady: 'hello-00002', state: state({ phase: 'aborted', percent: 0 }) },
      'bgctl deploy hello --image IMAGE',
    ],
    ['garbage state', { annotations: { 'bgctl.dev/rollout': '{' } }, 'bgctl rollout hello --take-over'],
  ];
  for (const [name, opts, want] of cases) test(name, () => assert.equal(nextCommand(svc(opts))?.command, want));

  test('deployed with a failed candidate: rollback, not stage', () => {
    const s = svc({
      traffic: pinned,
      latestReady: 'hello-00001',
      latestCreated: 'hello-00002',
      state: state({ phase: 'deployed', candidate: { tag: 'candidate' } }),
    });
    s.status!.conditions = [
      { type: 'Ready', status: 'False', reason: 'RevisionFailed' },
      { type: 'ConfigurationsReady', status: 'False', reason: 'RevisionFailed' },
    ];
    const next = nextCommand(s);
    assert.equal(next?.command, 'bgctl rollback hello');
    assert.match(next?.why ?? '', /hello-00002 failed \(RevisionFailed\)/);
  });

  test('deployed with a candidate still starting: stage', () => {
    const s = svc({
      traffic: pinned,
      latestReady: 'hello-00001',
      latestCreated: 'hello-00002',
      state: state({ phase: 'deployed', candidate: { tag: 'candidate' } }),
    });
    s.status!.conditions = [
      { type: 'Ready', status: 'Unknown' },
      { type: 'ConfigurationsReady', status: 'Unknown' },
    ];
    assert.equal(nextCommand(s)?.command, 'bgctl stage hello');
  });

  test('another namespace is carried in the command', () => {
    const s = svc({ traffic: pinned });
    s.metadata.namespace = 'prod';
    assert.equal(nextCommand(s)?.command, 'bgctl deploy hello --image IMAGE -n prod');
  });
});

describe('view models', () => {
  test('conditionsNotTrue: Ready first, True ones dropped', () => {
    const s = svc();
    s.status!.conditions = [
      { type: 'RoutesReady', status: 'Unknown', reason: 'Waiting' },
      { type: 'ConfigurationsReady', status: 'True' },
      { type: 'Ready', status: 'False', reason: 'RevisionFailed', message: 'boom' },
    ];
    assert.deepEqual(
      conditionsNotTrue(s).map((c) => c.type),
      ['Ready', 'RoutesReady'],
    );
  });

  test('serviceSummary is lean and keeps the served split', () => {
    const s = serviceSummary(svc({ traffic: staged, latestReady: 'hello-00002', state: state() }));
    assert.deepEqual(s, {
      name: 'hello',
      namespace: 'default',
      ready: 'True',
      phase: 'staged',
      traffic: [
        { tag: 'stable', revisionName: 'hello-00001', percent: 100, latestRevision: false },
        { tag: 'candidate', revisionName: 'hello-00002', percent: 0, latestRevision: false },
      ],
      url: 'http://hello.default.example.com',
      latestCreatedRevisionName: 'hello-00002',
      latestReadyRevisionName: 'hello-00002',
    });
  });

  test('tags, the default verify tag and tag URLs', () => {
    const s = svc({
      traffic: [staged[0], { ...staged[1], tag: 'v2' }],
      latestReady: 'hello-00002',
      state: state({ candidate: { revision: 'hello-00002', tag: 'v2' } }),
    });
    assert.deepEqual(knownTags(s), ['stable', 'v2']);
    assert.equal(defaultVerifyTag(s), 'v2');
    assert.equal(
      defaultVerifyTag(svc({ traffic: staged, state: state({ phase: 'promoted' }) })),
      'candidate',
      'a closed rollout does not pick the tag',
    );
    assert.equal(requireTagUrl(s, 'v2'), 'http://v2-hello.default.example.com');
    assert.throws(
      () => requireTagUrl(s, 'x'),
      (e: unknown) => e instanceof RefusedError && e.reason === 'UnknownTag' && /its tags: stable, v2/.test(e.message),
    );
    const pending = svc({ traffic: staged });
    pending.status!.traffic = [];
    assert.throws(
      () => requireTagUrl(pending, 'candidate'),
      (e: unknown) => e instanceof RefusedError && e.reason === 'TagNotRouted',
    );
    assert.deepEqual(urlView(s, 'http://x', 'v2'), {
      apiVersion: 'bgctl.dev/v1',
      kind: 'ServiceURL',
      service: 'hello',
      namespace: 'default',
      tag: 'v2',
      url: 'http://x',
    });
  });
});

describe('renderers (golden, color off)', () => {
  test('status: a split, a failed revision, routed revisions kept past the newest ten', () => {
    const revisions = [
      ...revs(12),
      rev('hello-00013', { ready: 'False', reason: 'ExitCode1', message: 'container exited' }),
    ];
    const s = svc({
      traffic: split,
      latestReady: 'hello-00002',
      latestCreated: 'hello-00013',
      state: state({ phase: 'split', percent: 30 }),
    });
    s.status!.conditions = [
      {
        type: 'Ready',
        status: 'False',
        reason: 'RevisionFailed',
        message: 'Revision "hello-00013" failed with message: container exited.',
      },
    ];
    const out = renderServiceStatus(serviceStatusView(s, revisions), { now: new Date('2026-11-26T12:00:00Z') });
    assert.equal(
      out,
      [
        'Service: hello (namespace default)',
        'URL:     http://hello.default.example.com',
        'Ready:   False (RevisionFailed)',
        'Latest:  created hello-00013, ready hello-00002',
        'Rollout: split 30% to the candidate (rollout hello-1, by alice)',
        '  stable hello-00001 [stable] -> candidate hello-00002 [candidate]',
        '',
        'Traffic',
        'REVISION      TAG         TRAFFIC                     READY   URL',
        'hello-00001   stable      ##############......  70%   True    http://stable-hello.default.example.com',
        'hello-00002   candidate   ######..............  30%   True    http://candidate-hello.default.example.com',
        '',
        'Revisions',
        'NAME          READY   TRAFFIC   TAGS        AGE                    REASON',
        'hello-00013   False        0%   -           2026-11-26T10:03:00Z   ExitCode1',
        'hello-00012   True         0%   -           2026-11-26T10:02:00Z',
        'hello-00011   True         0%   -           2026-11-26T10:01:00Z',
        'hello-00010   True         0%   -           2026-11-26T10:00:00Z',
        'hello-00009   True         0%   -           2026-11-26T10:09:00Z',
        'hello-00008   True         0%   -           2026-11-26T10:08:00Z',
        'hello-00007   True         0%   -           2026-11-26T10:07:00Z',
        'hello-00006   True         0%   -           2026-11-26T10:06:00Z',
        'hello-00005   True         0%   -           2026-11-26T10:05:00Z',
        'hello-00004   True         0%   -           2026-11-26T10:04:00Z',
        'hello-00002   True        30%   candidate   2026-11-26T10:02:00Z',
        'hello-00001   True        70%   stable      2026-11-26T10:01:00Z',
        '... and 1 older (bgctl revisions hello)',
        '',
        'Conditions not True',
        'TYPE    STATUS   REASON           MESSAGE',
        'Ready   False    RevisionFailed   Revision "hello-00013" failed with message: container exited.',
        '',
      ].join('\n'),
    );
  });

  test('rollout descriptions', () => {
    assert.equal(describeRollout({ phase: 'pinned', drift: [] }), 'pinned (no rollout recorded)');
    assert.equal(describeRollout({ phase: 'manual-split', drift: [] }), 'manual split (no rollout recorded)');
    assert.equal(describeRollout({ phase: 'invalid-state', drift: [], error: 'bad' }), 'invalid rollout state: bad');
    assert.equal(
      describeRollout({
        phase: 'aborted',
        id: 'r1',
        drift: [],
        updatedBy: 'bob',
        reason: 'smoke test failed',
        stable: { revisionName: 'a-1', tag: 'stable' },
        candidate: { revisionName: 'a-2', tag: 'v2' },
      }),
      'aborted (rollout r1, by bob): smoke test failed\n  stable a-1 [stable] -> candidate a-2 [v2]',
    );
  });

  test('verification report', () => {
    const spec = parseVerifyFlags({ requests: 3, expectBody: 'Hello', maxLatency: '1s' });
    const summary = summarize(
      [
        { status: 200, latencyMs: 12, body: 'Hello', revision: 'hello-00002' },
        { status: 500, latencyMs: 30, body: 'oops', revision: 'hello-00002' },
        { latencyMs: 1, error: { code: 'ECONNRESET', message: 'socket hang up' } },
      ],
      spec,
    );
    const doc = verificationView(
      {
        service: 'hello',
        namespace: 'default',
        tag: 'candidate',
        url: 'http://candidate-hello.default.example.com/',
        revisionName: 'hello-00002',
      },
      spec,
      summary,
    );
    assert.equal(
      renderVerification(doc),
      [
        'Service:         hello (namespace default)',
        'Tag:             candidate -> hello-00002',
        'URL:             http://candidate-hello.default.example.com/',
        'Checks:          status 200, body /Hello/ (first 1 MiB), p95 <= 1000ms',
        'Requests:        3: 1 passed, 2 failed',
        'Status codes:    200×1 500×1',
        'Latency:         p50 12ms, p95 30ms, max 30ms',
        'Revision header: hello-00002',
        '',
        'COUNT   FAILURE',
        '    1   body does not match /Hello/',
        '    1   request failed: socket hang up',
        '    1   status 500 (want 200)',
        '',
        'Result: Failed (2 of 3 requests failed)',
        '',
      ].join('\n'),
    );
  });
});
