// The `Warning` header as kube-apiserver writes it (apimachinery NewWarningHeader and the apiserver's
// warning recorder): only `"` and `\` escaped, the text as UTF-8 bytes, a text with a control character
// dropped, a response's texts past 4096 runes cut to 256 each; Knative's webhook splits its warnings at
// newlines. Checked on the raw bytes, through real kubectl, and through bgctl's parser.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import * as k8s from '@kubernetes/client-node';
import { goQuote, warningHeaderValue, warningHeaders } from '../../../src/sim/api/go-strings.js';
import { parseWarningHeader } from '../../../src/kube/trace.js';
import { usePlayground } from '../../helpers/playground.js';
import { createKubectl, requireKubectl } from '../../helpers/kubectl.js';

const latin1 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

describe('Warning header quoting', () => {
  test('NewWarningHeader: quotes and backslashes escaped, nothing else; UTF-8 bytes; control characters refused', () => {
    assert.equal(warningHeaderValue('unknown field "a\\b"'), '299 - "unknown field \\"a\\\\b\\""');
    assert.equal(warningHeaderValue("it's <ok> \u00e9\u2192"), latin1('299 - "it\'s <ok> \u00e9\u2192"'));
    assert.equal(warningHeaderValue('two\nlines'), undefined);
    assert.equal(warningHeaderValue('tab\there'), undefined);
    assert.equal(warningHeaderValue('del\u007f'), undefined);
    assert.equal(warningHeaderValue('c1\u0085'), undefined);
  });

  test('the recorder: empty and repeated texts skipped; past 4096 runes every text is cut to 256, then the rest left out', () => {
    assert.deepEqual(warningHeaders(['a', '', 'a', 'b']), ['299 - "a"', '299 - "b"']);
    const long = (c: string) => c.repeat(1500);
    const out = warningHeaders([long('a'), long('b'), long('c'), 'd']);
    assert.deepEqual(out, [
      `299 - "${'a'.repeat(256)}"`,
      `299 - "${'b'.repeat(256)}"`,
      `299 - "${'c'.repeat(256)}"`,
      '299 - "d"',
    ]);
    assert.deepEqual(warningHeaders([long('a'), long('b')]), [`299 - "${long('a')}"`, `299 - "${long('b')}"`]);
    const many = Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(300, 'x'));
    const cut = warningHeaders([...many.slice(0, 14), ...many.slice(14)]);
    // 14 texts of 300 runes pass 4096: replayed at 256 each (3584), then 2 more fit before 4096 is reached.
    assert.equal(cut.length, 16);
    assert.ok(cut.every((h) => h.length === '299 - ""'.length + 256));
  });

  test("goQuote is Go's strconv.Quote (%q)", () => {
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote('\u00e9\u2192'), '"\u00e9\u2192"');
    assert.equal(goQuote('\n\t\u0001\u007f'), '"\\n\\t\\x01\\x7f"');
    assert.equal(goQuote('\u00a0\u00ad\u200b'), '"\\u00a0\\u00ad\\u200b"');
  });

  test("bgctl's parser reads the UTF-8 bytes Node hands over as latin1, and unescapes", () => {
    assert.deepEqual(parseWarningHeader(latin1('299 - "caf\u00e9 \\"q\\"", 299 - "b"')), ['caf\u00e9 "q"', 'b']);
  });

  describe('over HTTPS', () => {
    const pg = usePlayground();
    const field = 'sp\u00e9cial"x';
    const manifest = (name: string, container: Record<string, unknown>) => ({
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name },
      spec: { template: { spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v1', ...container }] } } },
    });
    const unknownWarning = `unknown field "spec.template.spec.containers[0].sp\u00e9cial\\"x"`;

    test('raw bytes: an unknown field with a quote and a non-ASCII letter, %q-quoted, then header-quoted, as UTF-8', async () => {
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(pg.current.kubeconfigPath);
      const ca = Buffer.from(kc.getCurrentCluster()!.caData!, 'base64');
      const body = JSON.stringify(manifest('raw-warned', { [field]: 1 }));
      const url = new URL(
        '/apis/serving.knative.dev/v1/namespaces/default/services?fieldValidation=Warn',
        pg.current.server,
      );
      const raw = await new Promise<string[]>((resolve, reject) => {
        const req = request(
          url,
          {
            method: 'POST',
            ca,
            headers: { Authorization: `Bearer ${pg.current.token}`, 'Content-Type': 'application/json' },
          },
          (res) => {
            res.resume();
            const values: string[] = [];
            for (let i = 0; i < res.rawHeaders.length; i += 2) {
              if (res.rawHeaders[i].toLowerCase() === 'warning') values.push(res.rawHeaders[i + 1]);
            }
            res.on('end', () => resolve(values));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      const bytes = raw.map((v) => Buffer.from(v, 'latin1').toString('utf8'));
      assert.ok(
        bytes.includes(`299 - "unknown field \\"spec.template.spec.containers[0].sp\u00e9cial\\\\\\"x\\""`),
        bytes.join('\n'),
      );
    });

    test('kubectl prints the texts as the apiserver meant them; a warning with a newline arrives as two', async (t) => {
      const bin = requireKubectl(t);
      if (!bin) return;
      const kubectl = createKubectl(bin, pg.current.kubeconfigPath);
      try {
        const warnings = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('Warning: '));
        const unknown = await kubectl.run(['create', '--validate=warn', '-f', '-'], {
          input: JSON.stringify(manifest('kubectl-warned', { [field]: 1 })),
        });
        assert.equal(unknown.code, 0, unknown.stderr);
        assert.ok(warnings(unknown.stderr).includes(`Warning: ${unknownWarning}`), unknown.stderr);

        const restricted = {
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          seccompProfile: { type: 'RuntimeDefault' },
          capabilities: { drop: ['all'] },
        };
        const lower = await kubectl.run(['create', '-f', '-'], {
          input: JSON.stringify(manifest('lower-all', { securityContext: restricted })),
        });
        assert.equal(lower.code, 0, lower.stderr);
        assert.deepEqual(warnings(lower.stderr), [
          'Warning: invalid value: all: spec.template.spec.containers[0].securityContext.capabilities.drop',
          "Warning: Must be spelled as 'ALL'",
        ]);
      } finally {
        kubectl.dispose();
      }
    });
  });
});
