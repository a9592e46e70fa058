// The one place bgctl's version is written: `bgctl --version` prints it and every request to the
// cluster carries it in the User-Agent (kube/user-agent.ts).

/** bgctl's version (semver, without a leading "v"). */
export const VERSION = '0.1.0';
