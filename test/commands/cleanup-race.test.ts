// cleanup --delete-revisions while someone else routes to a revision bgctl planned to delete (a 0%
// tag added during bgctl's wait; found by the chaos suite, seed 137): the revision must survive, or
// spec.traffic would name a missing revision and the Route would fail.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { cliEnv, createReadyService, foreignMergePatch, getRevision, getService, specTraffic } from './step-helpers.js';

describe('cleanup --delete-revisions against a concurrent writer', () => {
  const pg = usePlayground();
  const cli = (...argv: string[]) => runCli(argv, { env: cliEnv(pg.current) });

  /** A promoted rollout: tidy-00002 serves, tidy-00001 is the 0% "previous" target. */
  async function promoted(name: string): Promise<void> {
    await createReadyService(pg.current, name);
    const r = await cli('rollout', name, '--image', 'ghcr.io/bgctl/hello:v2', '--steps', '100', '--no-verify', '--yes');
    assert.equal(r.code, 0, r.stderr);
  }

  test('without interference the old revision is deleted (the control case)', async () => {
    await promoted('plain');
    const r = await cli('cleanup', 'plain', '--force', '--delete-revisions', '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(getRevision(pg.current, 'plain-00001'), undefined);
  });

  test("a revision routed again after bgctl's write is kept, with a warning", async () => {
    await promoted('tidy');
    // As soon as bgctl's write drops the old target, another client tags the old revision at 0%.
    let tagged = false;
    const stop = pg.current.registry.onChange((ev) => {
      if (tagged || ev.resource.plural !== 'services' || ev.object.metadata.name !== 'tidy') return;
      const traffic = (ev.object.spec?.traffic ?? []) as Array<{ revisionName?: string }>;
      if (traffic.some((t) => t.revisionName === 'tidy-00001')) return;
      tagged = true;
      setImmediate(() =>
        foreignMergePatch(pg.current, 'tidy', {
          spec: { traffic: [...traffic, { tag: 'keep', revisionName: 'tidy-00001', percent: 0 }] },
        }),
      );
    });
    try {
      const r = await cli('cleanup', 'tidy', '--force', '--delete-revisions', '--yes');
      assert.ok(tagged, 'the foreign write happened');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Warning: kept revision tidy-00001: traffic of service "tidy" routes to it again/);
    } finally {
      stop();
    }
    assert.ok(getRevision(pg.current, 'tidy-00001'), 'the routed revision still exists');
    assert.ok(specTraffic(pg.current, 'tidy').some((t) => t.tag === 'keep' && t.revisionName === 'tidy-00001'));
    for (const t of getService(pg.current, 'tidy').spec.traffic ?? []) {
      if (t.revisionName)
        assert.ok(getRevision(pg.current, t.revisionName), `spec.traffic names ${t.revisionName}, which exists`);
    }
  });
});
