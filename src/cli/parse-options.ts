import { UsageError } from '../errors.js';
import type { Nanos } from '../model/types.js';

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
export function parseDuration(text: string, option: string): Nanos {
  const trimmed = text.trim();
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < trimmed.length) {
    part.lastIndex = pos;
    const match = part.exec(trimmed);
    if (!match) break;
    total += Number(match[1]) * Number(UNIT_NANOS[match[2]!]);
    pos = part.lastIndex;
  }
  if (trimmed === '' || pos !== trimmed.length) {
    throw new UsageError(
      `${option} ${JSON.stringify(text)}: not a duration`,
      'write it like 5s, 250ms, 1.5s or 2m',
    );
  }
  return BigInt(Math.round(total)) as Nanos;
}

export function parseCount(text: string, option: string, min = 0): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) {
    throw new UsageError(
      `${option} ${JSON.stringify(text)}: expected a whole number${min > 0 ? ` ≥ ${min}` : ''}`,
    );
  }
  return Number(text);
}
