/** Types for the real-world tools, so that tests can use them. */
export declare const ROOT: string;
export declare const CACHE_DIR: string;
export declare const TOOLS: Record<ToolName, { module: string; version: string; pkg: string }>;
export type ToolName = 'jaeger' | 'hotrod' | 'telemetrygen';
export declare function toolPath(name: ToolName): string;
export declare function goVersion(): string | undefined;
export declare function builtTools():
  | { missing: ToolName[]; paths?: undefined }
  | { paths: Record<ToolName, string>; missing?: undefined };
export declare function buildTools(
  names?: ToolName[],
  log?: (line: string) => void,
): Record<ToolName, { status: 'built' | 'cached'; seconds?: number; path: string }>;
