// The shape check of server objects: conformant Services and Revisions pass, each kind of damage a
// non-conformant server could send is named by its field path, and no server value is quoted.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { revisionProblem, serviceProblem } from '../../src/core/validate-object.js';
import { rev, svc } from './fixtures.js';

/** The fixture service with `edit` applied to a deep copy. */
function damaged(edit: (o: any) => void): unknown {
  const o: any = structuredClone(svc({ traffic: [{ revisionName: 'hello-00001', percent: 100, tag: 'stable' }] }));
  o.status.conditions = [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-11-26T12:00:00Z' }];
  o.metadata.creationTimestamp = null;
  edit(o);
  return o;
}

describe('serviceProblem', () => {
  test('a conformant service passes (null creationTimestamp included, as Go writes a zero time)', () => {
    assert.equal(serviceProblem(damaged(() => {})), undefined);
    assert.equal(serviceProblem(svc()), undefined);
  });

  const cases: Array<[string, (o: any) => void, RegExp]> = [
    ['spec.traffic a string', (o) => (o.spec.traffic = 'abc'), /^spec\.traffic: expected a list$/],
    ['no metadata', (o) => delete o.metadata, /^metadata: missing$/],
    ['metadata a string', (o) => (o.metadata = 'x'), /^metadata: expected an object$/],
    ['no name', (o) => delete o.metadata.name, /^metadata\.name: missing$/],
    ['an empty name', (o) => (o.metadata.name = ''), /^metadata\.name: expected a non-empty string$/],
    ['a numeric name', (o) => (o.metadata.name = 42), /^metadata\.name: expected a non-empty string$/],
    ['no spec', (o) => delete o.spec, /^spec: missing$/],
    [
      'string percents',
      (o) =>
        (o.spec.traffic = [
          { revisionName: 'a', percent: '50' },
          { revisionName: 'b', percent: '50' },
        ]),
      /^spec\.traffic\[0\]\.percent: expected a whole number from 0 to 100$/,
    ],
    [
      'a percent above 100',
      (o) => (o.spec.traffic[0].percent = 150),
      /^spec\.traffic\[0\]\.percent: expected a whole number from 0 to 100$/,
    ],
    ['a fractional percent', (o) => (o.spec.traffic[0].percent = 50.5), /percent: expected a whole number/],
    ['a negative percent', (o) => (o.spec.traffic[0].percent = -1), /percent: expected a whole number/],
    [
      'a traffic entry that is not an object',
      (o) => (o.spec.traffic = [7]),
      /^spec\.traffic\[0\]: expected an object$/,
    ],
    [
      'a numeric revisionName',
      (o) => (o.spec.traffic[0].revisionName = 1),
      /^spec\.traffic\[0\]\.revisionName: expected a string$/,
    ],
    ['a numeric tag', (o) => (o.spec.traffic[0].tag = 2), /^spec\.traffic\[0\]\.tag: expected a string$/],
    [
      'latestRevision "true"',
      (o) => (o.spec.traffic[0].latestRevision = 'true'),
      /^spec\.traffic\[0\]\.latestRevision: expected true or false$/,
    ],
    ['a null traffic list', (o) => (o.spec.traffic = null), /^spec\.traffic: expected a list$/],
    ['status.traffic an object', (o) => (o.status.traffic = { a: 1 }), /^status\.traffic: expected a list$/],
    [
      'status.traffic with a string percent',
      (o) => (o.status.traffic = [{ revisionName: 'a', percent: '100' }]),
      /^status\.traffic\[0\]\.percent/,
    ],
    ['status.url a number', (o) => (o.status.url = 3), /^status\.url: expected a string$/],
    ['conditions an object', (o) => (o.status.conditions = { Ready: 'True' }), /^status\.conditions: expected a list$/],
    [
      'a condition without type',
      (o) => (o.status.conditions = [{ status: 'True' }]),
      /^status\.conditions\[0\]\.type: missing$/,
    ],
    [
      'latestReadyRevisionName a number',
      (o) => (o.status.latestReadyRevisionName = 1),
      /^status\.latestReadyRevisionName: expected a string$/,
    ],
    [
      'observedGeneration a string',
      (o) => (o.status.observedGeneration = '2'),
      /^status\.observedGeneration: expected a whole number$/,
    ],
    ['generation a string', (o) => (o.metadata.generation = '2'), /^metadata\.generation: expected a whole number$/],
    [
      'no resourceVersion (bgctl could not guard its write)',
      (o) => delete o.metadata.resourceVersion,
      /^metadata\.resourceVersion: missing$/,
    ],
    [
      'resourceVersion a number',
      (o) => (o.metadata.resourceVersion = 5),
      /^metadata\.resourceVersion: expected a string$/,
    ],
    [
      'an annotation value that is not a string',
      (o) => (o.metadata.annotations = { 'bgctl.dev/rollout': { v: 1 } }),
      /^metadata\.annotations: expected string values$/,
    ],
    [
      'containers an object',
      (o) => (o.spec.template.spec.containers = { image: 'x' }),
      /^spec\.template\.spec\.containers: expected a list$/,
    ],
    [
      'an image that is not a string',
      (o) => (o.spec.template.spec.containers[0].image = ['x']),
      /^spec\.template\.spec\.containers\[0\]\.image: expected a string$/,
    ],
    ['the whole object a list', (o) => (o.spec = []), /^spec: expected an object$/],
  ];
  for (const [name, edit, re] of cases) {
    test(`names the problem: ${name}`, () => {
      const problem = serviceProblem(damaged(edit));
      assert.ok(problem, 'a problem was found');
      assert.match(problem, re);
    });
  }

  test('never quotes what the server sent', () => {
    const secretish = 'sk-live-0123456789-\u001b[31m';
    const problem = serviceProblem(damaged((o) => (o.spec.traffic = [{ revisionName: 'a', percent: secretish }])));
    assert.ok(problem && !problem.includes(secretish) && !problem.includes('sk-live'));
  });

  for (const v of [null, 'abc', 42, []])
    test(`${JSON.stringify(v)} is not a service`, () => assert.ok(serviceProblem(v)));
});

describe('revisionProblem', () => {
  test('a conformant revision passes', () => assert.equal(revisionProblem(rev('hello-00001')), undefined));
  test('labels with a number', () => {
    const r: any = rev('hello-00001');
    r.metadata.labels = { 'serving.knative.dev/service': 7 };
    assert.equal(revisionProblem(r), 'metadata.labels: expected string values');
  });
  test('conditions a string', () => {
    const r: any = rev('hello-00001');
    r.status.conditions = 'Ready';
    assert.equal(revisionProblem(r), 'status.conditions: expected a list');
  });
  test('no metadata', () => assert.equal(revisionProblem({ kind: 'Revision', spec: {} }), 'metadata: missing'));
});
