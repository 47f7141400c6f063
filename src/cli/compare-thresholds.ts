import { existsSync } from 'node:fs';
import {
  type CompareThresholdOverrides,
  type CompareThresholds,
  withCompareThresholds,
} from '../analysis/compare/compare-thresholds.js';
import { DEFAULT_PERF_THRESHOLDS, type PerfThresholds, withThresholds } from '../analysis/perf/thresholds.js';
import { UsageError } from '../errors.js';
import { CONFIG_FILE } from '../pipeline/config-name.js';
import { parseCount } from './parse-options.js';

/** What `compare` reads of the config file: its thresholds, perf's, and the peers outside. */
export interface CompareSettings {
  readonly compare: CompareThresholdOverrides;
  readonly perf: PerfThresholds;
  readonly external: readonly string[];
}

/**
 * The config file's "compare", "perf" and "external", loaded (with zod, about a third of a
 * second) only where there is a file to read, as perf-thresholds.ts does.
 */
export async function compareSettings(path: string | undefined): Promise<CompareSettings> {
  if (path === undefined && !existsSync(CONFIG_FILE))
    return { compare: {}, perf: DEFAULT_PERF_THRESHOLDS, external: [] };
  const { loadConfig } = await import('../pipeline/config-file.js');
  const config = loadConfig(path);
  return {
    compare: config.compare ?? {},
    perf: withThresholds(config.perf ?? {}),
    external: config.external ?? [],
  };
}

export interface ThresholdFlags {
  readonly confidence?: string;
  readonly minEffect?: string;
  readonly minSamples?: string;
}

/** The thresholds: the defaults, the config file's over them, the flags over both. */
export function compareThresholds(
  config: CompareThresholdOverrides,
  flags: ThresholdFlags,
): CompareThresholds {
  const confidence = flags.confidence === undefined ? undefined : parseConfidence(flags.confidence);
  const minShare = flags.minEffect === undefined ? undefined : parsePercent(flags.minEffect, '--min-effect');
  const minSamples =
    flags.minSamples === undefined ? undefined : parseCount(flags.minSamples, '--min-samples', 1);
  return withCompareThresholds({
    ...config,
    ...(confidence !== undefined && { confidence }),
    ...(minSamples !== undefined && { minSamples }),
    duration: { ...config.duration, ...(minShare !== undefined && { minShare }) },
  });
}

function parseConfidence(text: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value >= 1)
    throw new UsageError(
      `--confidence ${JSON.stringify(text)}: expected a number between 0 and 1`,
      'e.g. --confidence 0.99 for a 1% chance of a false regression per comparison',
    );
  return value;
}

/** `10%` or `10`: a share, 0.1. */
function parsePercent(text: string, option: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  if (!match)
    throw new UsageError(
      `${option} ${JSON.stringify(text)}: expected a percentage`,
      `e.g. ${option} 10% (a change under a tenth of the baseline's median is not a regression)`,
    );
  return Number(match[1]) / 100;
}
