import { parentIsRemote } from '../../model/span-flags.js';
import type { SpanId, SpanNode, TraceTree } from '../../model/types.js';
import type { PropagationFinding } from './findings.js';

/**
 * Spans whose parent is not in the trace, one finding per missing parent, told apart by cause:
 * - every span hangs off one missing span and nothing is a root: the root has not arrived;
 * - a SERVER/CONSUMER span, or one flagged as having a remote parent: the caller's span was never
 *   collected (caller not instrumented, not exporting, or sampled out);
 * - otherwise a local parent went missing mid-trace: an export gap, sampling, truncation.
 */
export function findOrphans(tree: TraceTree): PropagationFinding[] {
  const byParent = new Map<SpanId, SpanNode[]>();
  for (const root of tree.roots) {
    if (!root.parentMissing) continue;
    const parent = root.span.parentSpanId!;
    const list = byParent.get(parent);
    if (list) list.push(root);
    else byParent.set(parent, [root]);
  }
  if (byParent.size === 0) return [];
  const rootMissing = byParent.size === 1 && tree.roots.every((r) => r.parentMissing);
  const out: PropagationFinding[] = [];
  for (const [parentSpanId, orphans] of byParent) {
    const first = orphans[0]!;
    const { span } = first;
    const remote = span.kind === 'server' || span.kind === 'consumer' || parentIsRemote(span) === true;
    out.push({
      kind: 'orphan-span',
      traceId: tree.traceId,
      spanId: span.spanId,
      service: span.service,
      operation: span.name,
      parentSpanId,
      cause: rootMissing ? 'root-not-arrived' : remote ? 'remote-parent-not-collected' : 'parent-lost',
      siblings: orphans.length,
    });
  }
  return out;
}
