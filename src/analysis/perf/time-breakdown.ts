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
  // By service, then name: a key joined for every section would be garbage for every section.
  const byService = new Map<string, Map<string, { service: string; name: string; ms: number }>>();
  const parts: { service: string; name: string; ms: number }[] = [];
  let root = sections[0]!.node;
  // Bounded by the depth: each step goes up one level.
  while (root.parent !== undefined) root = root.parent;
  for (const { node, start, end } of sections) {
    const { service, name } = node.span;
    let byName = byService.get(service);
    if (!byName) {
      byName = new Map();
      byService.set(service, byName);
    }
    const ms = nanosToMillis(end - start);
    const part = byName.get(name);
    if (part) part.ms += ms;
    else {
      const added = { service, name, ms };
      byName.set(name, added);
      parts.push(added);
    }
  }
  const start = sections[0]!.start;
  const end = sections[sections.length - 1]!.end;
  return {
    root: { service: root.span.service, name: root.span.name, durationMs: nanosToMillis(end - start) },
    parts: parts.sort((a, b) => b.ms - a.ms),
  };
}
