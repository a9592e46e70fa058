// One playground per test file: `const pg = usePlayground()` inside a describe(), then use
// pg.current in tests; it is started in before() and stopped in after().
import { before, after } from 'node:test';
import { startPlayground, type Playground, type PlaygroundOptions } from '../../src/sim/playground.js';

/** Registers before/after hooks around a playground and returns a holder for it. */
export function usePlayground(opts: PlaygroundOptions = {}): { readonly current: Playground } {
  let pg: Playground | undefined;
  before(async () => {
    pg = await startPlayground(opts);
  });
  after(async () => {
    await pg?.stop();
  });
  return {
    get current(): Playground {
      if (!pg) throw new Error('the playground is not running (use it inside a test, after before())');
      return pg;
    },
  };
}

export { startPlayground, type Playground };
