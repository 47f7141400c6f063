import type { SpanNode, TraceTree } from '../../model/types.js';

/**
 * A place in the call tree both traces share or not: the spans of A and of B that sit at one path
 * of `service › operation` steps from a root down. Same-named siblings under one parent path are
 * one place, their spans in order, so the 2nd `SELECT orders` of A stands beside the 2nd of B
 * (`a[1]` and `b[1]`) and ×1 against ×12 is one place with a call count. A place with no spans on
 * one side was added or removed.
 */
export interface AlignedPlace {
  /** Position in `Alignment.places` (pre-order). */
  readonly index: number;
  readonly parent: number | undefined;
  readonly depth: number;
  readonly service: string;
  readonly name: string;
  /**
   * Set on a root place that pairs two roots of different names (the one left on each side, say
   * `GET /users/1` against `GET /users/2`): A's service and name. Everything below it aligns.
   */
  readonly renamedFrom: { readonly service: string; readonly name: string } | undefined;
  readonly a: readonly SpanNode[];
  readonly b: readonly SpanNode[];
  /** Indexes of the places one step down, in order. */
  readonly children: readonly number[];
}

export interface Alignment {
  /** Every place once, depth-first from the roots: a parent before its children. */
  readonly places: readonly AlignedPlace[];
  readonly roots: readonly number[];
}

interface MutablePlace extends AlignedPlace {
  readonly children: number[];
}

/** Spans of one side, grouped by `service › name` in the order each group first appears. */
type Groups = Map<string, SpanNode[]>;

/**
 * Lines the two trees up place by place (see AlignedPlace). Roots, orphans among them (a span
 * whose parent is missing is a root of its tree), align by name like siblings; where each side
 * has exactly one root left over that is not an orphan, the two are paired as one renamed root.
 * Iterative, never recursive: traces are 70,000 levels deep. Linear in the spans of both trees
 * (apart from the maps), and the trees are not modified.
 */
export function alignTrees(a: TraceTree, b: TraceTree): Alignment {
  const places: MutablePlace[] = [];
  const roots: number[] = [];
  type Pending = {
    parent: number | undefined;
    depth: number;
    key: string;
    a: SpanNode[];
    b: SpanNode[];
    renamedFrom?: SpanNode;
  };
  const stack: Pending[] = [];
  const pushPlaces = (parent: number | undefined, depth: number, groupsA: Groups, groupsB: Groups) => {
    const keys = mergeOrder([...groupsA.keys()], [...groupsB.keys()], groupsB);
    const pending: Pending[] = keys.map((key) => ({
      parent,
      depth,
      key,
      a: groupsA.get(key) ?? [],
      b: groupsB.get(key) ?? [],
    }));
    if (parent === undefined) pairRenamedRoot(pending);
    for (let i = pending.length - 1; i >= 0; i--) if (pending[i]!.key !== '') stack.push(pending[i]!);
  };
  pushPlaces(undefined, 0, groupSpans(a.roots), groupSpans(b.roots));
  while (stack.length > 0) {
    const next = stack.pop()!;
    const first = next.b[0] ?? next.a[0]!;
    const from = next.renamedFrom?.span;
    const place: MutablePlace = {
      index: places.length,
      parent: next.parent,
      depth: next.depth,
      service: first.span.service,
      name: first.span.name,
      renamedFrom: from === undefined ? undefined : { service: from.service, name: from.name },
      a: next.a,
      b: next.b,
      children: [],
    };
    places.push(place);
    if (next.parent === undefined) roots.push(place.index);
    else places[next.parent]!.children.push(place.index);
    pushPlaces(place.index, next.depth + 1, groupChildren(next.a), groupChildren(next.b));
  }
  return { places, roots };
}

/** The key of a place: service and name, which no span name can forge (NUL between). */
const keyOf = (node: SpanNode): string => `${node.span.service}\u0000${node.span.name}`;

function groupSpans(nodes: readonly SpanNode[]): Groups {
  const groups: Groups = new Map();
  for (const node of nodes) {
    const key = keyOf(node);
    const group = groups.get(key);
    if (group) group.push(node);
    else groups.set(key, [node]);
  }
  return groups;
}

/** The children of every span of a place, grouped: spans in order, each one's children in start order. */
function groupChildren(spans: readonly SpanNode[]): Groups {
  const groups: Groups = new Map();
  for (const span of spans) {
    for (const child of span.children) {
      const key = keyOf(child);
      const group = groups.get(key);
      if (group) group.push(child);
      else groups.set(key, [child]);
    }
  }
  return groups;
}

/**
 * B's order, with each key only A has placed right after the key it followed in A (or first):
 *
 *   A   x  y  z          B   x  w  z         merged   x  y  w  z
 *
 * Linear: the keys only A has wait on the key before them, then follow it out.
 */
function mergeOrder(keysA: readonly string[], keysB: readonly string[], inB: Groups): string[] {
  const after = new Map<string | undefined, string[]>();
  let anchor: string | undefined;
  for (const key of keysA) {
    if (inB.has(key)) anchor = key;
    else {
      const list = after.get(anchor);
      if (list) list.push(key);
      else after.set(anchor, [key]);
    }
  }
  const out: string[] = [...(after.get(undefined) ?? [])];
  for (const key of keysB) out.push(key, ...(after.get(key) ?? []));
  return out;
}

/**
 * Two traces of one request whose roots are named apart (`GET /users/1`, `GET /users/2`) still
 * line up below the root: where A has exactly one root place no B root matched, and B one no A
 * root matched, not counting orphans (a span whose parent is missing is a root only for want of
 * one), and each is a single span, the two become one place. The A place is emptied (its key
 * cleared, so that it is skipped).
 */
function pairRenamedRoot(
  pending: { key: string; a: SpanNode[]; b: SpanNode[]; renamedFrom?: SpanNode }[],
): void {
  const real = (spans: readonly SpanNode[]) => spans.some((node) => !node.parentMissing);
  const onlyA = pending.filter((p) => p.b.length === 0 && real(p.a));
  const onlyB = pending.filter((p) => p.a.length === 0 && real(p.b));
  if (onlyA.length !== 1 || onlyB.length !== 1) return;
  const [fromA, intoB] = [onlyA[0]!, onlyB[0]!];
  if (fromA.a.length !== 1 || intoB.b.length !== 1) return;
  intoB.a = fromA.a;
  intoB.renamedFrom = fromA.a[0]!;
  fromA.key = '';
}
