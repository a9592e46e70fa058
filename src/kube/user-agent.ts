// The User-Agent of every request and watch, shaped like kubectl's `kubectl/v1.32.4 (linux/amd64) kubernetes/<commit>`
// (Go's GOOS/GOARCH names, so audit logs and priority rules read alike; the Node version in place of a commit).
// Without it client-node sends `node-fetch/1.0 (+https://github.com/bitinn/node-fetch)`.
import { VERSION } from '../core/version.js';

// Node's names where they differ from Go's (process.platform / process.arch).
const GOOS: Record<string, string> = { win32: 'windows' };
const GOARCH: Record<string, string> = { x64: 'amd64', ia32: '386' };

/** `bgctl/0.1.0 (linux/amd64) node/v20.11.1`. */
export function userAgent(
  version: string = VERSION,
  runtime: { platform: string; arch: string; node: string } = {
    platform: process.platform,
    arch: process.arch,
    node: process.version,
  },
): string {
  const os = GOOS[runtime.platform] ?? runtime.platform;
  const arch = GOARCH[runtime.arch] ?? runtime.arch;
  return `bgctl/${version} (${os}/${arch}) node/${runtime.node}`;
}
