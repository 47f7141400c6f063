import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runScript } from '../helpers/run-cli.js';

/**
 * examples/ci/gate.sh, the steps examples/ci/github-actions.yml runs, end to end: otrace receives
 * the spans of the app's tests, then gates. Its app breaks propagation on purpose, so the gate
 * must fail on exactly that, with JUnit reports that say so.
 */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
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
    // One failure: the broken edge (a warning such as clock skew under load would pass, with --fail-on error).
    expect(junit(join(reports, 'propagation.xml'))).toMatchObject({ failures: '1' });
    expect(junit(join(reports, 'errors.xml'))).toMatchObject({ failures: '0' });
    expect(junit(join(reports, 'assert.xml'))).toMatchObject({ tests: '5', failures: '1' });
    // Run by GitHub Actions, the gates annotate the run.
    expect(stdout).toMatch(/^::error title=otrace check-propagation%3A user-service → order-service::/m);
    expect(stdout).toMatch(/^::error title=otrace assert%3A user-service → order-service keeps the trace::/m);
  }, 90_000);
});
