import type { AnalysisView } from './view.js';

export interface VisibilityOptions {
  /** Deepest level shown (roots are 0). */
  readonly maxDepth: number | undefined;
  /** Only failing spans (and the slow spans behind timeouts) plus their ancestors. */
  readonly errorsOnly: boolean;
  /** Hide spans shorter than this (in ns) unless they failed. */
  readonly minDuration: bigint | undefined;
  /** Only spans of this service plus their ancestors. */
  readonly service: string | undefined;
}

export interface Visibility {
  readonly visible: readonly boolean[];
  /** For a visible node at the depth limit: how many descendants the limit hides. */
  readonly hiddenBelow: readonly number[];
  readonly visibleCount: number;
}

/**
 * Which spans a filtered tree shows. A span is shown when it matches every filter, or when one of
 * its descendants does (the ancestors give the context). Two linear sweeps over the pre-order.
 */
export function selectVisible(view: AnalysisView, options: VisibilityOptions): Visibility {
  const { nodes } = view.tree;
  const matches = nodes.map((node) => {
    const facts = view.facts[node.index]!;
    const failing = facts.failed || facts.slowBehind !== undefined;
    if (options.errorsOnly && !failing) return false;
    if (options.service !== undefined && node.span.service !== options.service) return false;
    if (
      options.minDuration !== undefined &&
      !failing &&
      node.span.end - node.span.start < options.minDuration
    ) {
      return false;
    }
    return true;
  });
  const visible = [...matches];
  // Children follow their parent in pre-order: a reverse sweep lifts visibility to every ancestor.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const parent = nodes[i]!.parent;
    if (visible[i] && parent) visible[parent.index] = true;
  }
  const hiddenBelow = new Array<number>(nodes.length).fill(0);
  if (options.maxDepth !== undefined) {
    const maxDepth = options.maxDepth;
    // The ancestor at the depth limit, inherited down the pre-order (linear even on deep chains).
    const cutAt = new Array<number>(nodes.length).fill(-1);
    for (const node of nodes) {
      if (node.depth <= maxDepth || !node.parent) continue;
      const parent = node.parent;
      cutAt[node.index] = parent.depth === maxDepth ? parent.index : cutAt[parent.index]!;
      if (!visible[node.index]) continue;
      visible[node.index] = false;
      if (cutAt[node.index]! >= 0) hiddenBelow[cutAt[node.index]!]!++;
    }
  }
  let visibleCount = 0;
  for (const v of visible) if (v) visibleCount++;
  return { visible, hiddenBelow, visibleCount };
}
