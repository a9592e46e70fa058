// Limits of the playground's load generator, apart from it so the CLI can check flags without loading node:http.

/** The highest rate `--load` and POST /sim/v1/load accept (requests per second). */
export const MAX_LOAD_RPS = 1000;
