import type { TraceTree } from '../../model/types.js';
import { nanosToMillis } from '../../model/units.js';
import { findCriticalPath } from '../critical-path.js';

/**
 * Where one trace's time went: the root the critical path starts from, and the time each
 * operation (service and span name) held the path, in ms, largest first. The sections tile the
 * root's interval, so the parts add up to the root's duration.
 */
export interface TimeBreakdown {
  readonly root: { readonly service: string; readonly name: string; readonly durationMs: number } | undefined;
  readonly parts: readonly { readonly service: string; readonly name: string; readonly ms: number }[];
}

export function breakDownTime(tree: TraceTree): TimeBreakdown {
  const sections = findCriticalPath(tree);
  if (sections.length === 0) return { root: undefined, parts: [] };
  const byOperation = new Map<string, { service: string; name: string; ms: number }>();
  let root = sections[0]!.node;
  // Bounded by the depth: each step goes up one level.
  while (root.parent !== undefined) root = root.parent;
  for (const { node, start, end } of sections) {
    const { service, name } = node.span;
    const key = `${service}\u0000${name}`;
    const ms = nanosToMillis(end - start);
    const part = byOperation.get(key);
    if (part) part.ms += ms;
    else byOperation.set(key, { service, name, ms });
  }
  const start = sections[0]!.start;
  const end = sections[sections.length - 1]!.end;
  return {
    root: { service: root.span.service, name: root.span.name, durationMs: nanosToMillis(end - start) },
    parts: [...byOperation.values()].sort((a, b) => b.ms - a.ms),
  };
}
