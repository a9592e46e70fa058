// bgctl's version: `bgctl --version` prints it and the User-Agent carries it (kube/user-agent.ts).

/** bgctl's version (semver, without a leading "v"). */
export const VERSION = '0.1.0';
