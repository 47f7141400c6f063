import type { Nanos, Span } from '../../model/types.js';

/**
 * A span's place on the trace's time axis, like Jaeger UI's waterfall, in `width` cells:
 *   trace  |-----------------------------------------|
 *   span          |=========|
 *   bar    │      ██████████                        │
 * A span too short for one cell still gets one, so nothing disappears.
 */
export function renderBar(span: Span, traceStart: Nanos, traceEnd: Nanos, width: number): string {
  const total = traceEnd - traceStart;
  const inner = width - 2;
  if (total <= 0n || inner <= 0) return `│${'█'.repeat(Math.max(inner, 0))}│`;
  const scale = (t: bigint): number => Number(((t - traceStart) * BigInt(inner)) / total);
  const from = Math.min(Math.max(scale(span.start), 0), inner - 1);
  const to = Math.min(Math.max(scale(span.end), from + 1), inner);
  return `│${' '.repeat(from)}${'█'.repeat(to - from)}${' '.repeat(inner - to)}│`;
}
