import { realWorld } from '../helpers/real-world.js';

/**
 * Says in one line when the real-backend suite skips, and fails the run when CI requires it
 * (OTRACE_REAL_WORLD=required) and the tools are not built.
 */
export default function setup(): void {
  const state = realWorld();
  if (state.ready) return;
  if (process.env.OTRACE_REAL_WORLD === 'required')
    throw new Error(`the real-backend suite is required here, but ${state.reason}`);
  process.stdout.write(`real-backend suite (test/real-world/) skipped: ${state.reason}\n`);
}
