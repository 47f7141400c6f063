import type { Nanos, Span, SpanNode, TraceTree } from '../model/types.js';
import { spanDuration } from '../model/units.js';
import { grpcStatusCode, httpStatusCode, isGrpcSpan } from './attributes.js';
import { type ExceptionInfo, extractExceptions } from './exceptions.js';
import { detectError, type ErrorReason } from './span-errors.js';
import {
  detectDurationTimeout,
  detectStatedTimeout,
  type TimeoutOptions,
  type TimeoutReason,
} from './timeouts.js';

/** Per-span verdicts, indexed like `TraceTree.nodes`. */
export interface SpanFacts {
  readonly error: ErrorReason | undefined;
  readonly timeout: TimeoutReason | undefined;
  readonly exceptions: readonly ExceptionInfo[];
  /** Error or timeout. */
  readonly failed: boolean;
  /**
   * `origin`: failed, and no failing child explains it (its failure is its own).
   * `propagated`: failed because a child failed.
   */
  readonly role: 'origin' | 'propagated' | undefined;
  /**
   * Failed, but an ancestor succeeded: the failure was retried or handled. The nearest such ancestor.
   * "Succeeded" needs evidence (see findRecoveringAncestors): an unset status alone is not success.
   */
  readonly recoveredBy: SpanNode | undefined;
  /** This span is the slow work behind that span's timeout (a masked timeout: it may not fail itself). */
  readonly slowBehind: SpanNode | undefined;
}

/**
 * Whether any span of the trace can fail: one with an error or a stated timeout, or any span at
 * all when limits are given (a span may run into one). Where none can, every span's facts are
 * "did not fail" and a command that only wants failures need not build the tree: most traces of
 * an export are like that. `computeSpanFacts` decides failure from the same two tests.
 */
export function mayHaveFailures(spans: readonly Span[], options: TimeoutOptions): boolean {
  if (options.limits.length > 0) return spans.length > 0;
  for (const span of spans) {
    if (detectError(span) !== undefined) return true;
    if (detectStatedTimeout(span, extractExceptions(span)) !== undefined) return true;
  }
  return false;
}

export function computeSpanFacts(tree: TraceTree, options: TimeoutOptions): SpanFacts[] {
  const nodes = tree.nodes;
  const base = nodes.map((node) => {
    const exceptions = extractExceptions(node.span);
    const error = detectError(node.span);
    return { error, exceptions, timeout: detectStatedTimeout(node.span, exceptions), failed: false };
  });

  // Children come after their parent in `nodes` (pre-order): a reverse sweep settles every child
  // before its parent, so duration-based timeouts are judged only where no failing child explains them.
  const hasFailingChild = new Array<boolean>(nodes.length).fill(false);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const facts = base[i]!;
    if (!facts.timeout && !hasFailingChild[i]) {
      facts.timeout = detectDurationTimeout(
        nodes[i]!.span,
        facts.exceptions,
        facts.error !== undefined,
        options,
      );
    }
    facts.failed = facts.error !== undefined || facts.timeout !== undefined;
    const parent = nodes[i]!.parent;
    if (parent && facts.failed) hasFailingChild[parent.index] = true;
  }
  const recoveredBy = findRecoveringAncestors(nodes, base);
  const slowBehind = findSlowSpansBehindTimeouts(nodes, base, hasFailingChild);

  // Fields written out rather than spread: this runs once per span of every trace analysed.
  return base.map((facts, i) => ({
    error: facts.error,
    timeout: facts.timeout,
    exceptions: facts.exceptions,
    failed: facts.failed,
    role: facts.failed ? (hasFailingChild[i] ? 'propagated' : 'origin') : undefined,
    recoveredBy: facts.failed ? recoveredBy[i] : undefined,
    slowBehind: slowBehind.get(i),
  }));
}

/**
 * A timeout with no failing descendant is often masked: the proxy answered 504 while the real work
 * ran on and ended later without error. Follow the longest child down while it lasted (nearly) as
 * long as the timed-out span; the deepest such span is the slow one.
 *
 *   |--proxy POST 15.0s (504, UT)--|
 *    |--egress 15.0s (canceled)----|
 *     |--frontend POST 15.0s-------|   <- slow span behind the timeout
 */
function findSlowSpansBehindTimeouts(
  nodes: readonly SpanNode[],
  base: readonly { timeout: TimeoutReason | undefined }[],
  hasFailingChild: readonly boolean[],
): Map<number, SpanNode> {
  const out = new Map<number, SpanNode>();
  for (const node of nodes) {
    if (!base[node.index]!.timeout || hasFailingChild[node.index]) continue;
    const threshold = (spanDuration(node.span) * 9n) / 10n;
    let current = node;
    for (let steps = 0; steps < nodes.length; steps++) {
      const next = longestChild(current);
      if (!next || spanDuration(next.span) < threshold) break;
      current = next;
    }
    if (current !== node && !out.has(current.index)) out.set(current.index, node);
  }
  return out;
}

function longestChild(node: SpanNode): SpanNode | undefined {
  let best: SpanNode | undefined;
  let bestDuration = -1n as Nanos | bigint;
  for (const child of node.children) {
    const d = spanDuration(child.span);
    if (d > bestDuration) {
      best = child;
      bestDuration = d;
    }
  }
  return best;
}

/**
 * For each span, the ancestor that absorbed a failure there, if any. An ancestor absorbed it when it
 * did not fail and either shows success (status OK, HTTP < 400, gRPC OK) or the failing branch was
 * retried: a later sibling with the same name and service that did not fail.
 *
 *   orders (unset)                    <- absorbs the failure: the branch was retried
 *   ├─ GET /orders 503 ✗
 *   └─ GET /orders 200               (same name, later, ok)
 *
 * A load generator's span with unset status above a proxy's 504 shows no success: not recovered.
 * One forward sweep: a span's answer is its parent's, or the parent itself.
 */
function findRecoveringAncestors(
  nodes: readonly SpanNode[],
  base: readonly { failed: boolean }[],
): (SpanNode | undefined)[] {
  const retried = new Array<boolean>(nodes.length).fill(false);
  for (const node of nodes) {
    const okLater = new Set<string>();
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i]!;
      const key = `${child.span.service}\u0000${child.span.name}`;
      if (okLater.has(key)) retried[child.index] = true;
      if (!base[child.index]!.failed) okLater.add(key);
    }
  }
  const out = new Array<SpanNode | undefined>(nodes.length);
  for (const node of nodes) {
    const parent = node.parent;
    if (!parent) continue;
    const absorbs = !base[parent.index]!.failed && (retried[node.index] || showsSuccess(parent.span));
    out[node.index] = absorbs ? parent : out[parent.index];
  }
  return out;
}

function showsSuccess(span: Span): boolean {
  if (span.status.code === 'ok') return true;
  const http = httpStatusCode(span);
  if (http !== undefined && http >= 100 && http < 400) return true;
  return isGrpcSpan(span) && grpcStatusCode(span) === 0;
}
