import { randomUUID } from 'node:crypto';
import { afterAll } from 'vitest';
import { processesStartedBy, stillRunning } from './helpers/processes.js';

/**
 * Before each test file (vitest's setupFiles): no process a test starts may outlive its file. A
 * receiver left running by a script (examples/ci/gate.sh once left one after every run) holds a
 * port and memory long after the tests have passed, and nothing else notices.
 *
 * The file's processes are those under this worker (by parent pid) and those started with this
 * file's mark in their environment (inherited by everything they start, so a process whose parent
 * has ended and which init has adopted still carries it). Once the file's own hooks have run
 * (vitest runs after-hooks in reverse: this one last), each still running after a grace of 5 s
 * fails the file, named with its command line, and is killed so that the run leaves nothing.
 */
const MARK = 'OTRACE_TEST_FILE';
const mark = `${process.pid}-${randomUUID()}`;
process.env[MARK] = mark;

/** Time a process stopped as a test ends (SIGTERM, flushing) may take to exit. */
const GRACE_MS = 5_000;

afterAll(async () => {
  const left = await stillRunning(() => processesStartedBy(process.pid, `${MARK}=${mark}`), GRACE_MS);
  if (left.length === 0) return;
  for (const { pid } of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
  throw new Error(
    `${left.length} process(es) started by this test file outlived it (now killed):\n${left
      .map((p) => `  pid ${p.pid}: ${p.command}`)
      .join('\n')}`,
  );
}, GRACE_MS + 5_000);
