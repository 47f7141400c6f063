/** Types for the compare fixtures' plan, so that their tests read what the generator ran. */
export interface Pod {
  readonly pod: string;
  readonly host: string;
  readonly version: string;
  readonly env: Readonly<Record<string, string>>;
}
export interface CompareRun {
  readonly name: 'baseline' | 'baseline-rerun' | 'regressed';
  readonly user: Pod;
  readonly orders: readonly Pod[];
}
export declare const ORDERS_QUERY_MS: number;
export declare const EXTRA_QUERY_MS: number;
export declare const FAILING_POD: string;
export declare const FAILING_VERSION: string;
export declare const POOL_EXHAUSTED_EVERY: number;
export declare const REQUESTS: readonly string[];
export declare function resourceAttributes(pod: Pod): string;
export declare const COMPARE_RUNS: readonly CompareRun[];
