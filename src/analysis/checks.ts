import { parentIsRemote } from '../model/span-flags.js';
import type { Span, SpanId, TraceTree } from '../model/types.js';
import { nanosToMillis, spanDuration } from '../model/units.js';
import type { Finding } from './findings.js';
import type { SpanFacts } from './span-facts.js';

export interface CheckInput {
  readonly tree: TraceTree;
  readonly facts: readonly SpanFacts[];
}

type Check = (input: CheckInput) => Finding[];

/** The span a finding is about, as every span-level finding names it. */
function subjectOf(tree: TraceTree, span: Span) {
  return { traceId: tree.traceId, spanId: span.spanId, service: span.service, name: span.name };
}

/** Failed spans whose failure is their own and was not recovered by an ancestor; and those that were. */
export function findErrorOrigins({ tree, facts }: CheckInput): Finding[] {
  const out: Finding[] = [];
  for (const node of tree.nodes) {
    const f = facts[node.index]!;
    if (f.role !== 'origin') continue;
    const { span } = node;
    if (f.recoveredBy) {
      out.push({
        kind: 'recovered-error',
        ...subjectOf(tree, span),
        recoveredBySpanId: f.recoveredBy.span.spanId,
      });
    } else {
      out.push({
        kind: 'error-origin',
        ...subjectOf(tree, span),
        reason: f.error,
        timeout: f.timeout,
        exception: f.exceptions[0],
      });
    }
  }
  return out;
}

export function findTimeouts({ tree, facts }: CheckInput): Finding[] {
  const out: Finding[] = [];
  for (const node of tree.nodes) {
    const f = facts[node.index]!;
    const { span } = node;
    if (f.timeout) {
      out.push({
        kind: 'timeout',
        ...subjectOf(tree, span),
        durationMs: nanosToMillis(spanDuration(span)),
        reason: f.timeout,
      });
    }
    if (f.slowBehind) {
      out.push({
        kind: 'slow-span-behind-timeout',
        ...subjectOf(tree, span),
        durationMs: nanosToMillis(spanDuration(span)),
        timedOutSpanId: f.slowBehind.span.spanId,
      });
    }
  }
  return out;
}

export function findTreeDefects({ tree }: CheckInput): Finding[] {
  const out: Finding[] = [];
  const counts = new Map<SpanId, number>();
  for (const node of tree.nodes) {
    const { span } = node;
    if (node.parentMissing && span.parentSpanId) {
      out.push({
        kind: 'orphan-span',
        ...subjectOf(tree, span),
        parentSpanId: span.parentSpanId,
        remoteParent: parentIsRemote(span) === true,
      });
    }
    if (node.cycleCut) out.push({ kind: 'parent-cycle', traceId: tree.traceId, spanId: span.spanId });
    counts.set(span.spanId, (counts.get(span.spanId) ?? 0) + 1);
  }
  for (const [spanId, count] of counts) {
    if (count > 1) out.push({ kind: 'duplicate-span-id', traceId: tree.traceId, spanId, count });
  }
  return out;
}

const TRUNCATION = /more than \d+ spans|truncated/i;

/** Backend adjuster warnings (Jaeger): kept verbatim; truncation is called out. */
export function findBackendWarnings({ tree }: CheckInput): Finding[] {
  const out: Finding[] = [];
  for (const message of tree.warnings) {
    out.push(
      TRUNCATION.test(message)
        ? { kind: 'truncated-trace', traceId: tree.traceId, message }
        : { kind: 'backend-warning', traceId: tree.traceId, spanId: undefined, message },
    );
  }
  for (const node of tree.nodes) {
    for (const message of node.span.warnings) {
      out.push(
        TRUNCATION.test(message)
          ? { kind: 'truncated-trace', traceId: tree.traceId, message }
          : { kind: 'backend-warning', traceId: tree.traceId, spanId: node.span.spanId, message },
      );
    }
  }
  return out;
}

/** Every check `show` runs, in report order. */
export const TRACE_CHECKS: readonly Check[] = [
  findErrorOrigins,
  findTimeouts,
  findTreeDefects,
  findBackendWarnings,
];
