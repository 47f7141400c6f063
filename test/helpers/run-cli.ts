import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO_ROOT, 'bin', 'otrace.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

type CliOptions = {
  input?: string | Buffer;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Run as this user and group (a test that needs what root may not be refused). */
  user?: { uid: number; gid: number };
};

/** The environment a test runs the CLI in: NO_COLOR unless it sets colour variables itself. */
function testEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined };
  for (const [key, value] of Object.entries(extra)) env[key] = value;
  const defined: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) defined[key] = value;
  return defined;
}

type RunModule = { run: (argv: readonly string[], io: unknown) => Promise<number> };
let cli: Promise<RunModule> | undefined;

/**
 * Runs the built CLI in this process (its `run` over buffers, the way `main` runs it over the
 * process's streams): what is about the commands (their output, exit codes, messages) without
 * the cost of a process each. CI and FORCE_COLOR from the outer environment are removed so
 * that results do not depend on it. A test that needs another working folder or user, or
 * what only a process has (signals, EPIPE, a terminal), spawns it instead (`spawnCli`).
 */
export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  if (options.cwd !== undefined || options.user !== undefined) return spawnCli(args, options);
  cli ??= import(pathToFileURL(join(REPO_ROOT, 'dist', 'cli', 'main.js')).href) as Promise<RunModule>;
  const { run } = await cli;
  let stdout = '';
  let stderr = '';
  const input = options.input;
  const io = {
    stdout: {
      write: (text: string) => {
        stdout += text;
      },
      isTTY: false,
      columns: undefined,
    },
    stderr: {
      write: (text: string) => {
        stderr += text;
      },
      isTTY: false,
      columns: undefined,
    },
    stdin: Object.assign(
      Readable.from(input === undefined ? [] : [typeof input === 'string' ? Buffer.from(input) : input]),
      { isTTY: false },
    ),
    env: testEnv(options.env),
    onStop: () => () => {},
  };
  const code = await run(['node', 'otrace', ...args], io);
  return { code, stdout, stderr };
}

/** Runs the built binary as a process, as a user would (see runCli for the environment). */
export function spawnCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env = testEnv(options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env,
      ...(options.user ?? {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/** A scratch file holding `content`, for inputs made up by a test. */
export function tempFile(name: string, content: string | Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'otrace-test-'));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/**
 * Runs a script of the repo (a demo, an example) to its end, collecting stdout; stderr is drained.
 * The script runs in a process group of its own: past `timeoutMs` the whole group (the script
 * and what it started: receivers, services) is killed and the run rejects, so a hung script
 * leaves nothing behind.
 */
export function runScript(
  command: string,
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 80_000,
): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...env },
      detached: true,
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.resume();
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
      reject(
        new Error(
          `${command} ${args.join(' ')} did not end within ${timeoutMs} ms; stdout so far:\n${stdout}`,
        ),
      );
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}
