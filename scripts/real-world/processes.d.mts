/** Types for the real-world process helpers, so that tests can use them. */
export interface Started {
  readonly name: string;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  output(): string;
  stop(): Promise<unknown>;
}
export declare function freePort(): Promise<number>;
export declare function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  options?: { env?: Record<string, string>; cwd?: string; graceMs?: number },
): Started;
export declare function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options?: { timeoutMs?: number; everyMs?: number; process?: Started },
): Promise<T>;
export declare function get(
  url: string,
  timeoutMs?: number,
): Promise<{
  status: number;
  contentType: string;
  headers: import('node:http').IncomingHttpHeaders;
  body: string;
}>;
export declare function killOnExit(child: import('node:child_process').ChildProcess): void;
