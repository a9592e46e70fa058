// Parse tests of the step verbs (pin, deploy, stage, split, promote, rollback, cleanup): argv to
// the exact typed Options each verb's run would get, defaults, BGCTL_IMAGE, usage errors. No
// playground, no client: parseVerb replaces each verb's run.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOpts, usage } from '../../helpers/parse-verb.js';
import type { PinOptions } from '../../../src/commands/pin/options.js';
import type { DeployOptions } from '../../../src/commands/deploy/options.js';
import type { StageOptions } from '../../../src/commands/stage/options.js';
import type { SplitOptions } from '../../../src/commands/split/options.js';
import type { PromoteOptions } from '../../../src/commands/promote/options.js';
import type { RollbackOptions } from '../../../src/commands/rollback/options.js';
import type { CleanupOptions } from '../../../src/commands/cleanup/options.js';
import type { WriteFlags } from '../../../src/commands/write-flags.js';

const WRITE: WriteFlags = { yes: false, wait: true, timeout: '5m' };

describe('pin options', () => {
  test('defaults: the revision serving now, no take-over', async () => {
    const expected: PinOptions = { service: 'hello', revision: undefined, takeOver: false, write: WRITE };
    assert.deepEqual(await parseOpts<PinOptions>(['pin', 'hello']), expected);
  });

  test('--revision and --take-over', async () => {
    const expected: PinOptions = {
      service: 'hello',
      revision: 'hello-00001',
      takeOver: true,
      write: { ...WRITE, yes: true },
    };
    assert.deepEqual(
      await parseOpts<PinOptions>(['pin', 'hello', '--revision', 'hello-00001', '--take-over', '--yes']),
      expected,
    );
  });

  test('no SERVICE is left for the run to ask or refuse', async () => {
    const expected: PinOptions = { service: undefined, revision: undefined, takeOver: false, write: WRITE };
    assert.deepEqual(await parseOpts<PinOptions>(['pin']), expected);
  });

  test('an invalid revision name is a usage error', async () => {
    await assert.rejects(
      parseOpts(['pin', 'hello', '--revision', 'Hello_1']),
      usage('InvalidName', /invalid revision name "Hello_1"/),
    );
  });
});

describe('deploy options', () => {
  const base: DeployOptions = {
    service: 'hello',
    image: undefined,
    env: [],
    annotations: {},
    revisionName: undefined,
    tag: undefined,
    stableTag: undefined,
    takeOver: false,
    write: WRITE,
  };

  test('every flag reaches its field', async () => {
    const opts = await parseOpts<DeployOptions>([
      'deploy',
      'hello',
      '--image',
      ' ghcr.io/acme/hello:v2 ',
      '--env',
      'MODE=blue=green',
      '--env',
      'OLD-',
      '--annotation',
      'autoscaling.knative.dev/min-scale=1',
      '--annotation',
      'note-',
      '--revision-name',
      'hello-v2',
      '--tag',
      'v2',
      '--stable-tag',
      'v1',
      '--take-over',
      '-y',
    ]);
    const expected: DeployOptions = {
      service: 'hello',
      image: 'ghcr.io/acme/hello:v2',
      env: [
        { name: 'MODE', value: 'blue=green' },
        { name: 'OLD', remove: true },
      ],
      annotations: { 'autoscaling.knative.dev/min-scale': '1', note: null },
      revisionName: 'hello-v2',
      tag: 'v2',
      stableTag: 'v1',
      takeOver: true,
      write: { ...WRITE, yes: true },
    };
    assert.deepEqual(opts, expected);
  });

  test('no flags, no BGCTL_IMAGE: nothing chosen (asked on a terminal, refused elsewhere)', async () => {
    assert.deepEqual(await parseOpts<DeployOptions>(['deploy', 'hello']), base);
  });

  test('BGCTL_IMAGE is the image of a bare deploy', async () => {
    assert.deepEqual(await parseOpts<DeployOptions>(['deploy', 'hello'], { BGCTL_IMAGE: 'ghcr.io/acme/hello:v3' }), {
      ...base,
      image: 'ghcr.io/acme/hello:v3',
    });
  });

  test('--image wins over BGCTL_IMAGE', async () => {
    const opts = await parseOpts<DeployOptions>(['deploy', 'hello', '--image', 'img:flag'], { BGCTL_IMAGE: 'img:env' });
    assert.deepEqual(opts, { ...base, image: 'img:flag' });
  });

  test('an empty BGCTL_IMAGE counts as unset', async () => {
    assert.deepEqual(await parseOpts<DeployOptions>(['deploy', 'hello'], { BGCTL_IMAGE: '' }), base);
  });

  test('BGCTL_IMAGE is not used when --env asks for the new revision', async () => {
    const opts = await parseOpts<DeployOptions>(['deploy', 'hello', '--env', 'MODE=blue'], { BGCTL_IMAGE: 'img:env' });
    assert.deepEqual(opts, { ...base, env: [{ name: 'MODE', value: 'blue' }] });
  });

  test('BGCTL_IMAGE is not used when --annotation asks for the new revision', async () => {
    const opts = await parseOpts<DeployOptions>(['deploy', 'hello', '--annotation', 'a.dev/x=1'], {
      BGCTL_IMAGE: 'img:env',
    });
    assert.deepEqual(opts, { ...base, annotations: { 'a.dev/x': '1' } });
  });

  test('BGCTL_IMAGE is not used when --revision-name asks for the new revision', async () => {
    const opts = await parseOpts<DeployOptions>(['deploy', 'hello', '--revision-name', 'hello-v9'], {
      BGCTL_IMAGE: 'img:env',
    });
    assert.deepEqual(opts, { ...base, revisionName: 'hello-v9' });
  });

  test('a BGCTL_IMAGE with whitespace is a usage error naming BGCTL_IMAGE', async () => {
    await assert.rejects(parseOpts(['deploy', 'hello'], { BGCTL_IMAGE: 'img v2' }), usage('InvalidEnv', /BGCTL_IMAGE/));
  });

  test('a bad BGCTL_IMAGE is named once in the message', async () => {
    await assert.rejects(parseOpts(['deploy', 'hello'], { BGCTL_IMAGE: 'img v2' }), (err: unknown) => {
      assert.equal((err as Error).message.match(/BGCTL_IMAGE/g)?.length, 1, (err as Error).message);
      return true;
    });
  });

  test('--image with whitespace, or blank, is refused', async () => {
    await assert.rejects(
      parseOpts(['deploy', 'hello', '--image', 'img v2']),
      usage('InvalidImage', /--image "img v2"/),
    );
    await assert.rejects(parseOpts(['deploy', 'hello', '--image', ' ']), usage('InvalidImage', /--image/));
  });

  test('bad --env items are refused', async () => {
    await assert.rejects(parseOpts(['deploy', 'hello', '--env', 'NOVALUE']), usage('InvalidEnv', /--env "NOVALUE"/));
    await assert.rejects(parseOpts(['deploy', 'hello', '--env', '1BAD=x']), usage('InvalidEnv', /"1BAD"/));
    await assert.rejects(
      parseOpts(['deploy', 'hello', '--env', 'A=1', '--env', 'A=2']),
      usage('InvalidEnv', /"A" more than once/),
    );
  });

  test('bad --annotation items are refused', async () => {
    await assert.rejects(
      parseOpts(['deploy', 'hello', '--annotation', 'novalue']),
      usage('InvalidAnnotation', /"novalue"/),
    );
    await assert.rejects(
      parseOpts(['deploy', 'hello', '--annotation', 'a=1', '--annotation', 'a-']),
      usage('InvalidAnnotation', /"a" more than once/),
    );
  });

  test('invalid tags and revision names are refused', async () => {
    await assert.rejects(parseOpts(['deploy', 'hello', '--tag', 'V2_bad']), usage('InvalidTag', /"V2_bad"/));
    await assert.rejects(parseOpts(['deploy', 'hello', '--stable-tag', '1st']), usage('InvalidTag', /"1st"/));
    await assert.rejects(parseOpts(['deploy', 'hello', '--tag', '']), usage('InvalidTag', /must not be empty/));
    await assert.rejects(
      parseOpts(['deploy', 'hello', '--revision-name', 'Hello.v2']),
      usage('InvalidName', /"Hello.v2"/),
    );
  });
});

describe('stage options', () => {
  test('defaults: tags and revision decided at run time', async () => {
    const expected: StageOptions = {
      service: 'hello',
      tag: undefined,
      stableTag: undefined,
      revision: undefined,
      takeOver: false,
      write: WRITE,
    };
    assert.deepEqual(await parseOpts<StageOptions>(['stage', 'hello']), expected);
  });

  test('every flag reaches its field', async () => {
    const opts = await parseOpts<StageOptions>([
      'stage',
      'hello',
      '--tag',
      'v2',
      '--stable-tag',
      'blue',
      '--revision',
      'hello-00003',
      '--take-over',
    ]);
    const expected: StageOptions = {
      service: 'hello',
      tag: 'v2',
      stableTag: 'blue',
      revision: 'hello-00003',
      takeOver: true,
      write: WRITE,
    };
    assert.deepEqual(opts, expected);
  });

  test('invalid tags are refused', async () => {
    await assert.rejects(parseOpts(['stage', 'hello', '--tag', 'V2_bad']), usage('InvalidTag', /"V2_bad"/));
    await assert.rejects(parseOpts(['stage', 'hello', '--stable-tag', 'st able']), usage('InvalidTag', /"st able"/));
  });
});

describe('split options', () => {
  const base: SplitOptions = {
    service: 'hello',
    percent: undefined,
    traffic: undefined,
    takeOver: false,
    write: WRITE,
  };

  test('--percent N (a trailing % accepted)', async () => {
    assert.deepEqual(await parseOpts<SplitOptions>(['split', 'hello', '--percent', '50']), { ...base, percent: 50 });
    assert.deepEqual(await parseOpts<SplitOptions>(['split', 'hello', '--percent', '10%']), { ...base, percent: 10 });
    assert.deepEqual(await parseOpts<SplitOptions>(['split', 'hello', '--percent', '0']), { ...base, percent: 0 });
    assert.deepEqual(await parseOpts<SplitOptions>(['split', 'hello', '--percent', '100']), { ...base, percent: 100 });
  });

  test('neither --percent nor --traffic: asked on a terminal', async () => {
    assert.deepEqual(await parseOpts<SplitOptions>(['split', 'hello']), base);
  });

  test('--traffic, comma-separated and repeated, with --take-over', async () => {
    const opts = await parseOpts<SplitOptions>([
      'split',
      'hello',
      '--traffic',
      'stable=80,v2=10',
      '--traffic',
      'hello-00001=10',
      '--take-over',
    ]);
    const expected: SplitOptions = {
      ...base,
      traffic: [
        { ref: 'stable', percent: 80 },
        { ref: 'v2', percent: 10 },
        { ref: 'hello-00001', percent: 10 },
      ],
      takeOver: true,
    };
    assert.deepEqual(opts, expected);
  });

  test('--percent out of range or not a whole number is refused', async () => {
    for (const bad of ['101', '-1', '50.5', 'abc', '']) {
      await assert.rejects(
        parseOpts(['split', 'hello', '--percent', bad]),
        usage('InvalidPercent', /--percent: must be a whole number from 0 to 100/),
        bad,
      );
    }
  });

  test('--percent with --traffic is refused', async () => {
    await assert.rejects(
      parseOpts(['split', 'hello', '--percent', '50', '--traffic', 'v2=50']),
      usage('ConflictingFlags', /--percent or --traffic/),
    );
  });

  test('bad --traffic items are refused', async () => {
    await assert.rejects(parseOpts(['split', 'hello', '--traffic', 'v2']), usage('InvalidTraffic', /expected REF=PCT/));
    await assert.rejects(parseOpts(['split', 'hello', '--traffic', '@latest=100']), usage('InvalidTraffic', /@latest/));
    await assert.rejects(
      parseOpts(['split', 'hello', '--traffic', 'v2=50,v2=50']),
      usage('InvalidTraffic', /"v2" more than once/),
    );
    await assert.rejects(parseOpts(['split', 'hello', '--traffic', 'v2=150']), usage('InvalidPercent', /--traffic v2/));
  });
});

describe('promote options', () => {
  test('defaults: keep the old revision under the default previous tag', async () => {
    const expected: PromoteOptions = {
      service: 'hello',
      retire: false,
      previousTag: undefined,
      takeOver: false,
      write: WRITE,
    };
    assert.deepEqual(await parseOpts<PromoteOptions>(['promote', 'hello']), expected);
  });

  test('--retire, --previous-tag, --take-over', async () => {
    const opts = await parseOpts<PromoteOptions>([
      'promote',
      'hello',
      '--retire',
      '--previous-tag',
      'old',
      '--take-over',
    ]);
    const expected: PromoteOptions = {
      service: 'hello',
      retire: true,
      previousTag: 'old',
      takeOver: true,
      write: WRITE,
    };
    assert.deepEqual(opts, expected);
  });

  test('an invalid --previous-tag is refused', async () => {
    await assert.rejects(parseOpts(['promote', 'hello', '--previous-tag', 'Old']), usage('InvalidTag', /"Old"/));
  });
});

describe('rollback options', () => {
  test('only the service and the write flags', async () => {
    const expected: RollbackOptions = { service: 'hello', write: WRITE };
    assert.deepEqual(await parseOpts<RollbackOptions>(['rollback', 'hello']), expected);
  });

  test('takes no --take-over', async () => {
    await assert.rejects(parseOpts(['rollback', 'hello', '--take-over']), usage('UnknownOption', /--take-over/));
  });
});

describe('cleanup options', () => {
  test('defaults: keep revisions and the last rollback target', async () => {
    const expected: CleanupOptions = { service: 'hello', deleteRevisions: false, force: false, write: WRITE };
    assert.deepEqual(await parseOpts<CleanupOptions>(['cleanup', 'hello']), expected);
  });

  test('--delete-revisions and --force', async () => {
    const expected: CleanupOptions = { service: 'hello', deleteRevisions: true, force: true, write: WRITE };
    assert.deepEqual(await parseOpts<CleanupOptions>(['cleanup', 'hello', '--delete-revisions', '--force']), expected);
  });
});
