/** Types for the benchmark's export writer, so that tests can use it. */
export declare const EXPORT_VERSION: number;
export declare function makeExport(
  path: string,
  totalSpans: number,
  seed?: number,
): Promise<{ spans: number; bytes: number; splits: string[] }>;
