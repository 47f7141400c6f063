import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { listProcesses, stillRunning } from '../helpers/processes.js';
import { REPO_ROOT, runScript } from '../helpers/run-cli.js';

/**
 * examples/ci/gate.sh, the steps examples/ci/github-actions.yml runs, end to end: otrace receives
 * the spans of the app's tests, then gates. Its app breaks propagation on purpose, so the gate
 * must fail on exactly that, with JUnit reports that say so.
 */
/** Whether a server can listen on `port` of 127.0.0.1 now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free port for gate.sh's receiver, below the kernel's ephemeral range. gate.sh binds it only
 * once bash and node have started, seconds later on a busy machine; meanwhile a port of that range
 * may be handed to a server or to an outgoing connection of a test running beside this one (they
 * all take port 0), but none below it.
 */
async function freePort(): Promise<number> {
  let ephemeral = 32768;
  try {
    const range = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    ephemeral = Number(range.trim().split(/\s+/)[0]) || ephemeral;
  } catch {
    // Not Linux: 32768 is below the ephemeral ranges of the BSDs, macOS and Windows too.
  }
  const lowest = 10_000;
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = lowest + Math.floor(Math.random() * (ephemeral - lowest));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port between ${lowest} and ${ephemeral}`);
}

const junit = (path: string) => {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
    readFileSync(path, 'utf8'),
  );
  return doc.testsuites.testsuite as { tests: string; failures: string };
};

describe('the CI example', () => {
  it('fails the pipeline on the broken propagation, and only on that', async () => {
    const reports = mkdtempSync(join(tmpdir(), 'otrace-ci-'));
    const port = await freePort();
    const { code, stdout } = await runScript('bash', [join(REPO_ROOT, 'examples/ci/gate.sh')], {
      REPORTS: reports,
      OTLP_PORT: String(port),
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: '',
    });
    expect(code).toBe(1);
    // Nothing it started outlives it: its receiver (named by the reports folder, in its --out) is gone.
    const left = await stillRunning(() => listProcesses()?.filter((p) => p.command.includes(reports)), 2_000);
    expect(left).toEqual([]);
    // One failure: the broken edge (a warning such as clock skew under load would pass, with --fail-on error).
    expect(junit(join(reports, 'propagation.xml'))).toMatchObject({ failures: '1' });
    expect(junit(join(reports, 'errors.xml'))).toMatchObject({ failures: '0' });
    expect(junit(join(reports, 'assert.xml'))).toMatchObject({ tests: '5', failures: '1' });
    // The regression gate ran against the stored baseline: two requests are too few to call
    // anything a regression, so it passes, and its Markdown report says why.
    expect(junit(join(reports, 'compare.xml'))).toMatchObject({ failures: '0' });
    expect(readFileSync(join(reports, 'compare.md'), 'utf8')).toMatch(/No regression/);
    // Run by GitHub Actions, the gates annotate the run.
    expect(stdout).toMatch(/^::error title=otrace check-propagation%3A user-service → order-service::/m);
    expect(stdout).toMatch(/^::error title=otrace assert%3A user-service → order-service keeps the trace::/m);
  }, 90_000);
});
