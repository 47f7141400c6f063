/** Types for HotROD's start-up, so that tests can use it. */
export declare const HOTROD_CUSTOMERS: readonly string[];
export declare function startHotrod(
  binary: string,
  otlpHttpUrl: string,
): Promise<{ frontendUrl: string; output(): string; stop(): Promise<unknown> }>;
export declare function dispatch(
  frontendUrl: string,
  customer: string,
): Promise<{ status: number; body: string; traceId: string }>;
