/** Types for the real Jaeger's start-up, so that tests can use it. */
export interface RunningJaeger {
  readonly queryUrl: string;
  readonly otlpHttpUrl: string;
  readonly otlpGrpcAddress: string;
  readonly pid: number;
  output(): string;
  stop(): Promise<void>;
}
export declare function startJaeger(binary: string): Promise<RunningJaeger>;
export declare function post(url: string, body: string): Promise<number>;
export declare function startProxy(
  targetUrl: string,
  options?: { hideV3?: 'plain-404' | 'ui-page' },
): Promise<{ url: string; requests: string[]; close(): Promise<void> }>;
export declare function waitForTrace(
  queryUrl: string,
  traceId: string,
  minSpans?: number,
  settleMs?: number,
): Promise<number>;
