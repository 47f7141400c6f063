import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, spawnCli } from '../helpers/run-cli.js';
import { seedFile } from '../helpers/seed.js';

/**
 * What only the process shows: the exit code it ends with, what goes to which stream, stdin read
 * from a pipe, and --version. The commands themselves are tested in-process (runCli); these run
 * bin/otrace.js, once per behaviour. Signals, slow and closed pipes: receive.test.ts, show.test.ts.
 */
describe('the otrace process', () => {
  it('ends with 1 on findings, the report on stdout and nothing on stderr', async () => {
    const { code, stdout, stderr } = await spawnCli(['show', '-f', seedFile('order-service-down')]);
    expect(code).toBe(1);
    expect(stdout).toContain('get_user_orders');
    expect(stderr).toBe('');
  });

  it('ends with 0 on a healthy trace read from a pipe', async () => {
    const input = readFileSync(join(REPO_ROOT, seedFile('healthy')));
    const { code, stdout } = await spawnCli(['show'], { input });
    expect(code).toBe(0);
    expect(stdout).toContain('get_user_profile');
  });

  it('ends with 2 on a usage error and 3 on a missing file, one line on stderr each', async () => {
    const usage = await spawnCli(['show', '--timeout', 'soon']);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
    expect(usage.stderr.trimEnd().split('\n')).toHaveLength(1);
    const missing = await spawnCli(['errors', 'no/such/file.json']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe(
      'otrace: no/such/file.json: no such file — check the path, or pass - to read standard input\n',
    );
  });

  it('prints the version of package.json and ends with 0', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const { code, stdout } = await spawnCli(['--version']);
    expect(code).toBe(0);
    expect(stdout).toBe(`${version}\n`);
  });
});
