import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SecretSet, displayUrl } from '../../src/core/redact.js';

test('a URL as shown: user:password and credential-like query values gone, the rest kept', () => {
  const url =
    'https://bob:pw@prom.example:9090/api?auth=authval-1a2b3c&sig=sigval-4d5e6f&access_key=keyval-7a8b9c&X-Amz-Signature=amzsig-0d1e2f&page=2';
  const shown = displayUrl(url);
  for (const secret of ['bob', 'pw@', 'authval-1a2b3c', 'sigval-4d5e6f', 'keyval-7a8b9c', 'amzsig-0d1e2f'])
    assert.ok(!shown.includes(secret), `${secret} in ${shown}`);
  assert.match(shown, /page=2/);
  assert.equal(displayUrl('https://prom.example:9090/api?page=2'), 'https://prom.example:9090/api?page=2');
  // The same values are known secrets for any text that quotes the URL later.
  const secrets = new SecretSet();
  secrets.addUrlCredentials(url);
  assert.equal(
    secrets.redact('GET ?sig=sigval-4d5e6f&auth=authval-1a2b3c failed'),
    'GET ?sig=<redacted>&auth=<redacted> failed',
  );
});
