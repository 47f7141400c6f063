import { existsSync } from 'node:fs';
import { DEFAULT_PERF_THRESHOLDS, type PerfThresholds, withThresholds } from '../analysis/perf/thresholds.js';
import { CONFIG_FILE } from '../pipeline/config-name.js';

/**
 * The performance detectors' thresholds: the config file's "perf" over the defaults. The config
 * module (and zod with it, about a third of a second) is loaded only where there is a file to
 * read, so that `show` and `perf` start as fast without one.
 */
export async function perfThresholds(path: string | undefined): Promise<PerfThresholds> {
  if (path === undefined && !existsSync(CONFIG_FILE)) return DEFAULT_PERF_THRESHOLDS;
  const { loadConfig } = await import('../pipeline/config-file.js');
  return withThresholds(loadConfig(path).perf ?? {});
}
