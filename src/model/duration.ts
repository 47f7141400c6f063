import { UsageError } from '../errors.js';
import type { Nanos } from './types.js';

const UNIT_NANOS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Go-style durations as Jaeger uses them: `5s`, `1.5s`, `250ms`, `2m`, `1m30s`, `500us`. */
export const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
export const DURATION_EXAMPLES = '5s, 250ms, 1.5s or 2m';

/** A duration in the one grammar of every flag and file that takes one (DURATION). */
export function parseDuration(text: string, option: string): Nanos {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed))
    throw new UsageError(
      `${option} ${JSON.stringify(text)}: not a duration`,
      `write it like ${DURATION_EXAMPLES}`,
    );
  let total = 0;
  for (const [, value, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g))
    total += Number(value) * Number(UNIT_NANOS[unit!]);
  return BigInt(Math.round(total)) as Nanos;
}
