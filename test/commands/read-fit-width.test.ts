import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { usePlayground } from '../helpers/playground.js';
import { stripAnsi } from '../../src/ui/colors.js';
import { displayWidth } from '../../src/ui/text-width.js';
import { applyIntent, createService, getService, getRevisions, waitFor } from './read-setup.js';

// Every table bgctl prints fits the terminal (cells cut with …, URLs and images last) and pipes get
// whole values. Long names on purpose: a long cluster domain, a long image, a long service name.
const DOMAIN = 'apps.a-rather-long-cluster-domain.example-corporation.internal';
const IMAGE_V1 = 'registry.example-corporation.internal/platform/storefront/checkout-frontend:v1.2.3-build.4567';
const IMAGE_V2 = 'registry.example-corporation.internal/platform/storefront/checkout-frontend:v2.0.0-build.4711';
const NAME = 'storefront-checkout';

const widest = (s: string) => Math.max(...stripAnsi(s).trimEnd().split('\n').map(displayWidth));

describe('tables fit the terminal width; pipes keep whole values', () => {
  const pg = usePlayground({ domain: DOMAIN });
  const env = (extra: Record<string, string> = {}) => ({ KUBECONFIG: pg.current.kubeconfigPath, ...extra });
  const views = [['status', NAME], ['status'], ['status', '-A'], ['revisions', NAME], ['history', NAME]];

  before(async () => {
    const p = pg.current;
    await createService(p, NAME, { image: IMAGE_V1 });
    await applyIntent(p, NAME, { kind: 'pin' });
    await applyIntent(p, NAME, { kind: 'deploy', image: IMAGE_V2 });
    await waitFor(p, 'revisions', `${NAME}-00002`, (o) =>
      o.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'),
    );
    await applyIntent(p, NAME, { kind: 'stage' });
    assert.equal(getRevisions(p, NAME).length, 2);
    assert.ok((getService(p, NAME).status?.url ?? '').length > 80, 'the service URL alone is wider than 80 columns');
  });

  for (const width of [80, 40]) {
    test(`${width} columns: no line of any view is wider than the terminal, and long values are cut with …`, async () => {
      for (const argv of views) {
        const r = await runCli(argv, { env: env(), tty: true, width });
        assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
        assert.ok(widest(r.stdout) <= width, `${argv.join(' ')} at ${width}:\n${r.stdout}`);
        // At 40 columns a view may also leave out its rightmost columns entirely.
        if (width === 80) assert.match(r.stdout, /…/, `${argv.join(' ')} cut something`);
      }
    });
  }

  test('at 80 columns images are cut from the start so the tag stays; names are whole', async () => {
    const r = await runCli(['revisions', NAME], { env: env(), tty: true, width: 80 });
    const image = (rev: string) => new RegExp(`^${NAME}-${rev} .* …(\\S+)$`, 'm').exec(r.stdout)?.[1] ?? '';
    assert.ok(image('00002').length > 4 && IMAGE_V2.endsWith(image('00002')), r.stdout);
    assert.ok(IMAGE_V1.endsWith(image('00001')), r.stdout);
  });

  test('at 80 columns the status list keeps names whole and cuts the URL', async () => {
    const r = await runCli(['status'], { env: env(), tty: true, width: 80 });
    assert.match(r.stdout, new RegExp(`^${NAME} +True +staged +\\S+… +http://\\S+…$`, 'm'), r.stdout);
  });

  test('in a pipe every value is whole, whatever COLUMNS says', async () => {
    for (const argv of views) {
      const r = await runCli(argv, { env: env({ COLUMNS: '40' }), width: 40 });
      assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stdout, /…/, `${argv.join(' ')} cut nothing:\n${r.stdout}`);
    }
    const status = await runCli(['status', NAME], { env: env() });
    assert.ok(status.stdout.includes(`http://candidate-${NAME}.default.${DOMAIN}`), status.stdout);
    const revisions = await runCli(['revisions', NAME], { env: env() });
    assert.ok(revisions.stdout.includes(IMAGE_V1) && revisions.stdout.includes(IMAGE_V2), revisions.stdout);
  });
});
