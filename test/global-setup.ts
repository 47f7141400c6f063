import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserState } from './helpers/browser.js';
import { realWorld } from './helpers/real-world.js';

/**
 * Once per test run:
 * - every temporary file the tests, the CLI they spawn and the real backends make goes into one
 *   folder of this run (TMPDIR, which os.tmpdir() reads, is inherited by the test workers and
 *   every process they start), removed when the run ends, whatever the outcome;
 * - says in one line when the real-backend suite (test/real-world/) skips, and fails the run when
 *   CI requires it (OTRACE_REAL_WORLD=required) and the tools are not built;
 * - the same for the html report's browser tests (test/render/html/, OTRACE_BROWSER=required).
 */
export default function setup(): () => void {
  const state = realWorld();
  if (!state.ready) {
    if (process.env.OTRACE_REAL_WORLD === 'required')
      throw new Error(`the real-backend suite is required here, but ${state.reason}`);
    process.stdout.write(`real-backend suite (test/real-world/) skipped: ${state.reason}\n`);
  }
  const browser = browserState();
  if (!browser.ready) {
    if (process.env.OTRACE_BROWSER === 'required')
      throw new Error(`the browser tests are required here, but ${browser.reason}`);
    process.stdout.write(`browser tests (test/render/html/) skipped: ${browser.reason}\n`);
  }
  const outer = process.env.TMPDIR;
  const folder = mkdtempSync(join(tmpdir(), 'otrace-tests-'));
  process.env.TMPDIR = folder;
  return () => {
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    rmSync(folder, { recursive: true, force: true });
  };
}
