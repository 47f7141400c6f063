import type { Span, TraceTree } from '../../model/types.js';
import { spanDuration } from '../../model/units.js';
import { peerOf } from '../peers.js';
import { detectError } from '../span-errors.js';
import { edgeKey, operationKey, peerEdgeKey } from './compare-subject.js';
import { hashSpan, startHash } from './sample-hash.js';

/**
 * What `compare --baseline` keeps of one trace (pipeline/tasks.ts): numbers and strings only, as
 * it crosses from a worker thread for each of hundreds of thousands of traces. Durations are
 * whole microseconds, so that sums across traces are exact whatever order they are added in.
 */
export interface TraceFacts {
  readonly traceId: string;
  /** The trace's root span (the earliest, where several have no parent), if it arrived. */
  readonly root: { readonly key: string; readonly spanId: string; readonly durationUs: number } | undefined;
  /** One entry per subject the trace has (compare-subject.ts), in the order first met. */
  readonly subjects: readonly SubjectFacts[];
}

/** One subject's calls in one trace. */
export interface SubjectFacts {
  /** subjectKey of the operation, edge or peer edge. */
  readonly key: string;
  /** Each call's duration, µs. */
  readonly durationsUs: readonly number[];
  /** Each call's hash of (trace id, span id), in the order of `durationsUs`: what a sample keeps. */
  readonly sampleHashes: readonly number[];
  /** Calls that failed (span-errors.ts's verdict). */
  readonly errors: number;
  /** The longest call (the smallest span id among equals), to name an example. */
  readonly slowestSpanId: string;
  readonly slowestUs: number;
}

interface MutableFacts {
  key: string;
  durationsUs: number[];
  sampleHashes: number[];
  errors: number;
  slowestSpanId: string;
  slowestUs: number;
}

/**
 * The facts of one trace. Every span counts for its operation; a span whose parent is in another
 * service counts for the edge parent → span too (the child's duration and verdict: the callee's
 * side of the call, per caller); a CLIENT span with no child in another service counts for the
 * edge to the peer it names (peers.ts), with its own duration and verdict, the call as the caller
 * saw it.
 */
export function compareFactsOf(tree: TraceTree): TraceFacts {
  const state = startHash(tree.traceId);
  const bySubject = new Map<string, MutableFacts>();
  const note = (key: string, span: Span, us: number, hash: number, failed: boolean) => {
    let facts = bySubject.get(key);
    if (!facts) {
      facts = {
        key,
        durationsUs: [],
        sampleHashes: [],
        errors: 0,
        slowestSpanId: span.spanId,
        slowestUs: us,
      };
      bySubject.set(key, facts);
    } else if (us > facts.slowestUs || (us === facts.slowestUs && span.spanId < facts.slowestSpanId)) {
      facts.slowestUs = us;
      facts.slowestSpanId = span.spanId;
    }
    facts.durationsUs.push(us);
    facts.sampleHashes.push(hash);
    if (failed) facts.errors++;
  };
  for (const node of tree.nodes) {
    const { span, parent } = node;
    const us = microsOf(span);
    const hash = hashSpan(state, span.spanId);
    const failed = detectError(span) !== undefined;
    note(operationKey(span.service, span.name), span, us, hash, failed);
    if (parent !== undefined && parent.span.service !== span.service)
      note(edgeKey(parent.span, span), span, us, hash, failed);
    if (span.kind === 'client' && !node.children.some((c) => c.span.service !== span.service)) {
      const peer = peerOf(span);
      if (peer !== undefined) note(peerEdgeKey(span, peer), span, us, hash, failed);
    }
  }
  return { traceId: tree.traceId, root: rootOf(tree), subjects: [...bySubject.values()] };
}

/** The root that arrived (no parent id at all), the earliest of them; ties by span id. */
function rootOf(tree: TraceTree): TraceFacts['root'] {
  let root: Span | undefined;
  for (const node of tree.roots) {
    const { span } = node;
    if (span.parentSpanId !== undefined) continue;
    if (!root || span.start < root.start || (span.start === root.start && span.spanId < root.spanId))
      root = span;
  }
  if (!root) return undefined;
  return { key: operationKey(root.service, root.name), spanId: root.spanId, durationUs: microsOf(root) };
}

function microsOf(span: Span): number {
  return Number(spanDuration(span) / 1000n);
}
