import type { PerfFinding } from '../../analysis/perf/perf-findings.js';
import { type Attributes, type Nanos, SPAN_KINDS, type SpanNode } from '../../model/types.js';
import { spanDuration } from '../../model/units.js';
import { diagnosisText } from '../finding-text.js';
import { formatDuration, isoTime } from '../format.js';
import { perfFindingText } from '../perf/words.js';
import { quoteName } from '../quote.js';
import type { DrawnTrace } from '../report.js';
import { perfMarksOf } from '../show/perf-marks.js';
import { isOnCriticalChain } from '../show/tree.js';
import { MARK_LOOKS, marksOf } from './span-marks.js';
import type { StringTable } from './string-table.js';
import { traceHeadText, traceRootText } from './words.js';

/** A span's verdicts as bits of one number, read by the page script through `SPAN_FLAGS`. */
export const SPAN_FLAGS = {
  failed: 1,
  timeout: 2,
  origin: 4,
  recovered: 8,
  slowBehind: 16,
  orphan: 32,
  /** On the chain the text view stars: its subtree holds ≥ 1% of the trace's critical time. */
  criticalChain: 64,
  perf: 128,
} as const;

/**
 * One trace as the page reads it: columns of numbers, one entry a span in tree order (parents
 * before children, as `tree.nodes`), strings as indexes into the page's table, and the rarer
 * details (events, exceptions, links, status) only for the spans that have them. Times are
 * microseconds from the trace's start: bars need no finer, and the details print durations
 * otrace formatted (`5.0s`), never the page.
 */
export interface TraceData {
  readonly id: string;
  readonly head: string;
  readonly root: string;
  readonly verdict: string;
  readonly ok: boolean;
  readonly totalUs: number;
  /** The time axis: 0, a quarter, half, three quarters and the whole trace. */
  readonly ticks: number[];
  /** Every span's id, 16 characters each, one after another; a list where one is not 16 hex. */
  readonly spanIds: string | string[];
  /** Index of the parent span, -1 for a root. */
  readonly parent: number[];
  readonly name: number[];
  /** Index into `services`. */
  readonly service: number[];
  readonly kind: number[];
  readonly startUs: number[];
  readonly durationUs: number[];
  readonly durationText: number[];
  readonly selfText: number[];
  /** -1 where the span spends no time on the critical path itself. */
  readonly criticalText: number[];
  readonly flags: number[];
  /** The span's attributes, `[key, value, …]`, or 0 for none. */
  readonly attributes: (number[] | 0)[];
  /** Index into `resources`, -1 for none. */
  readonly resource: number[];
  readonly scope: number[];
  readonly resources: number[][];
  /** `[serviceName, colour]`: a service's colour is the same in every report (a hash of its name). */
  readonly services: [number, number][];
  /** `[span, look, text, span, look, text, …]`: the markers after a span's name. */
  readonly marks: number[];
  /** `[span, start, end, …]`: the critical path's sections, in µs. */
  readonly critical: number[];
  readonly status: Record<string, [number, number]>;
  readonly events: Record<string, [number, number, number[]][]>;
  readonly exceptions: Record<string, [number, number, number][]>;
  readonly links: Record<string, [string, string, number[]][]>;
  readonly perf: Record<string, number[]>;
}

/** How many colours the page's palette has (page/styles.ts). */
export const PALETTE_SIZE = 12;
/** The critical path's sections shorter than 1/CRITICAL_PIXELS of the trace are left out. */
const CRITICAL_PIXELS = 2_000n;
const SPAN_ID = /^[0-9a-f]{16}$/;
const STATUS_CODES = ['unset', 'ok', 'error'] as const;

export function buildTraceData(drawn: DrawnTrace, table: StringTable): TraceData {
  const { view, perfFindings } = drawn;
  const { tree } = view;
  const perfMarks = perfMarksOf(view, perfFindings);
  const micros = (t: bigint): number => Number(t / 1000n);
  const spanIds: string[] = [];
  const data: Omit<TraceData, 'spanIds'> = {
    ...headOf(drawn),
    totalUs: micros(tree.end - tree.start),
    ticks: [0n, 1n, 2n, 3n, 4n].map((q) => table.add(formatDuration(((tree.end - tree.start) * q) / 4n))),
    parent: [],
    name: [],
    service: [],
    kind: [],
    startUs: [],
    durationUs: [],
    durationText: [],
    selfText: [],
    criticalText: [],
    flags: [],
    attributes: [],
    resource: [],
    scope: [],
    resources: [],
    services: [],
    marks: [],
    critical: [],
    status: {},
    events: {},
    exceptions: {},
    links: {},
    perf: {},
  };
  const services = new Map<string, number>();
  const resources = new Map<Attributes, number>();
  for (const node of tree.nodes) {
    const { span } = node;
    const i = node.index;
    let service = services.get(span.service);
    if (service === undefined) {
      service = services.size;
      services.set(span.service, service);
      data.services.push([table.name(span.service), colourOf(span.service)]);
    }
    let resource = resources.get(span.resource);
    if (resource === undefined) {
      resource = Object.keys(span.resource).length === 0 ? -1 : data.resources.length;
      if (resource >= 0) data.resources.push(table.attributes(span.resource));
      resources.set(span.resource, resource);
    }
    const perf = perfMarks.get(i);
    spanIds.push(quoteName(span.spanId));
    data.parent.push(node.parent ? node.parent.index : -1);
    data.name.push(table.name(span.name));
    data.service.push(service);
    data.kind.push(SPAN_KINDS.indexOf(span.kind));
    data.startUs.push(micros(span.start - tree.start));
    data.durationUs.push(micros(spanDuration(span)));
    data.durationText.push(table.add(formatDuration(spanDuration(span))));
    data.selfText.push(table.add(formatDuration(view.selfTimes[i]!)));
    const critical = view.criticalTimes[i]!;
    data.criticalText.push(critical > 0n ? table.add(formatDuration(critical)) : -1);
    data.flags.push(flagsOf(drawn, node, perf !== undefined));
    const attributes = table.attributes(span.attributes);
    data.attributes.push(attributes.length > 0 ? attributes : 0);
    data.resource.push(resource);
    data.scope.push(span.scope ? table.name(`${span.scope.name} ${span.scope.version}`.trim()) : -1);
    for (const mark of marksOf(view, node, perf))
      data.marks.push(i, MARK_LOOKS.indexOf(mark.look), table.add(mark.text));
    addDetails(data, drawn, node, table, perf);
  }
  // A section under a pixel of a wide screen's bar is not drawn (a chain's 1 µs slices, two a span,
  // were 30% of the page); the chain's spans still carry the critical-path star.
  const visible = (tree.end - tree.start) / CRITICAL_PIXELS;
  for (const section of view.criticalPath)
    if (section.end - section.start >= visible)
      data.critical.push(
        section.node.index,
        micros(section.start - tree.start),
        micros(section.end - tree.start),
      );
  // One string, not 100,000: a sixth less to read, and far less for JSON.parse to make.
  return { ...data, spanIds: spanIds.every((id) => SPAN_ID.test(id)) ? spanIds.join('') : spanIds };
}

function headOf(drawn: DrawnTrace): Pick<TraceData, 'id' | 'head' | 'root' | 'verdict' | 'ok'> {
  const { tree, facts, diagnosis } = drawn.view;
  const root = tree.roots[0]?.span;
  return {
    id: tree.traceId,
    head: traceHeadText({
      traceId: tree.traceId,
      duration: formatDuration(tree.end - tree.start),
      spans: tree.nodes.length,
      services: new Set(tree.nodes.map((n) => n.span.service)).size,
      failed: facts.filter((f) => f.failed).length,
    }),
    root: root
      ? traceRootText(quoteName(root.name), quoteName(root.service), isoTime(tree.start), tree.roots.length)
      : '',
    verdict: diagnosisText(diagnosis).join(' '),
    ok: diagnosis.kind === 'ok',
  };
}

function flagsOf(drawn: DrawnTrace, node: SpanNode, perf: boolean): number {
  const facts = drawn.view.facts[node.index]!;
  let flags = STATUS_CODES.indexOf(node.span.status.code) << 12;
  if (facts.failed) flags |= SPAN_FLAGS.failed;
  if (facts.timeout) flags |= SPAN_FLAGS.timeout;
  if (facts.role === 'origin' && !facts.recoveredBy) flags |= SPAN_FLAGS.origin;
  if (facts.failed && facts.recoveredBy) flags |= SPAN_FLAGS.recovered;
  if (facts.slowBehind) flags |= SPAN_FLAGS.slowBehind;
  if (node.parentMissing) flags |= SPAN_FLAGS.orphan;
  if (isOnCriticalChain(drawn.view, node)) flags |= SPAN_FLAGS.criticalChain;
  if (perf) flags |= SPAN_FLAGS.perf;
  return flags;
}

/** Status, events, exceptions, links and performance findings: only where a span has them. */
function addDetails(
  data: Omit<TraceData, 'spanIds'>,
  drawn: DrawnTrace,
  node: SpanNode,
  table: StringTable,
  perf: readonly PerfFinding[] | undefined,
): void {
  const { span } = node;
  const key = String(node.index);
  if (span.status.code !== 'unset' || span.status.message)
    data.status[key] = [table.add(span.status.code), table.lines(span.status.message)];
  if (span.events.length > 0)
    data.events[key] = span.events.map((event) => [
      table.add(offsetText(event.time, span.start)),
      table.name(event.name),
      table.attributes(event.attributes),
    ]);
  const { exceptions } = drawn.view.facts[node.index]!;
  if (exceptions.length > 0)
    data.exceptions[key] = exceptions.map((e) => [
      table.value(e.type),
      table.lines(e.message),
      table.lines(e.stacktrace),
    ]);
  if (span.links.length > 0)
    data.links[key] = span.links.map((link) => [
      quoteName(link.traceId),
      quoteName(link.spanId),
      table.attributes(link.attributes),
    ]);
  if (perf) data.perf[key] = perf.map((f) => table.add(perfFindingText(f)));
}

/** When an event happened, from the span's start: `+12ms`, or `-3.0ms` before it (clock skew). */
function offsetText(time: Nanos, start: Nanos): string {
  return time >= start ? `+${formatDuration(time - start)}` : `-${formatDuration(start - time)}`;
}

/** A stable colour for a service: FNV-1a of its name, so `checkout` looks the same in every report. */
export function colourOf(service: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < service.length; i++) {
    hash ^= service.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % PALETTE_SIZE;
}
