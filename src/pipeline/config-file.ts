import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { firstIssue } from '../schema/zod-issue.js';

import { CONFIG_FILE } from './config-name.js';

export { CONFIG_FILE };

/**
 * `.otrace.json`: what otrace cannot see in the traces. Unknown keys are refused, so that a typo
 * does not silently do nothing.
 */
const count = (min: number) => z.number().int().min(min).optional();
const ms = z.number().min(0).optional();
const share = z.number().min(0).max(1).optional();

/** `perf`: the thresholds of `otrace perf`'s detectors (analysis/perf/thresholds.ts), each optional. */
const PerfThresholdsSchema = z.strictObject({
  nPlusOne: z.strictObject({ minCalls: count(2), minTotalMs: ms }).optional(),
  sequential: z
    .strictObject({
      queries: z.strictObject({ minSavedMs: ms, minSavedShare: share }).optional(),
      requests: z
        .strictObject({ minCalls: count(2), minCallMs: ms, maxGapMs: ms, minSavedMs: ms })
        .optional(),
    })
    .optional(),
  redundant: z.strictObject({ minCalls: count(2), minWastedMs: ms }).optional(),
  retryStorm: z.strictObject({ minAttempts: count(2) }).optional(),
  fanOut: z.strictObject({ minCalls: count(2) }).optional(),
  poolWait: z.strictObject({ minCalls: count(3), minQueuedShare: share, minWaitedMs: ms }).optional(),
  slowCall: z
    .strictObject({ minSamples: count(2), factor: z.number().min(1).optional(), minMs: ms })
    .optional(),
});

/** `compare`: when `otrace compare --baseline` calls a change a regression (analysis/compare/compare-thresholds.ts), each optional. */
const CompareThresholdsSchema = z.strictObject({
  confidence: z.number().gt(0).lt(1).optional(),
  minSamples: count(1),
  duration: z.strictObject({ minShare: z.number().min(0).optional(), minMs: ms }).optional(),
  calls: z
    .strictObject({ minIncrease: z.number().min(0).optional(), minShare: z.number().min(0).optional() })
    .optional(),
  errorRate: z.strictObject({ minIncrease: share }).optional(),
});

export const ConfigSchema = z.strictObject({
  /** Peers outside the traced world (service names, hosts, host:port): calls to them are never flagged. */
  external: z.array(z.string().min(1)).optional(),
  perf: PerfThresholdsSchema.optional(),
  compare: CompareThresholdsSchema.optional(),
});
export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(path: string | undefined): Config {
  const file = path ?? CONFIG_FILE;
  if (!existsSync(file)) {
    if (path !== undefined) throw new UsageError(`${file}: no such config file`);
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `${file}: not valid JSON (${(error as Error).message})`,
      'fix the file or remove it',
    );
  }
  const result = ConfigSchema.safeParse(value);
  if (!result.success) {
    throw new UsageError(
      `${file}: ${firstIssue(result.error)}`,
      'the config file takes {"external": ["payments.example.com", "redis:6379"], "perf": {"nPlusOne": {"minCalls": 5}}}',
    );
  }
  return result.data;
}
