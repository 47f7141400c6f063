import type { Nanos, Span, TraceId } from '../../model/types.js';
import { type CallTiming, TimingsByTrace } from './call-timing.js';
import type { TracePart } from './check-propagation.js';
import { judgeCalls, type NotedCall } from './client-calls.js';
import { skewFinding } from './clock-skew.js';
import { lostContextOf } from './context-lost.js';
import type { PropagationFinding } from './findings.js';
import { byPlace, byTraceOrder, type Placed, WindowIndex, type WindowTrace } from './window-index.js';

/** What the window has done, counted, so that a test can hold it to linear work. */
export interface WindowWork {
  /** Spans indexed: each span of each trace once, whatever the window's length. */
  spansIndexed: number;
  /** Calls with no answer in their trace judged against the window (matchCallees). */
  callsJudged: number;
  /** Roots of other kinds checked for a lost context. */
  rootsChecked: number;
}

/**
 * The propagation checks of `otrace receive`: traces come in as they complete, and each is
 * checked together with the last `capacity` traces (by the order of traces), since the halves of
 * a split trace complete apart. `add` answers with the findings that name the traces just added
 * (as their own or the related trace), exactly those, in the same order, that PropagationCheck
 * over the window's parts would report; then the earliest traces leave, past `capacity`.
 *
 * Rebuilding that check over the window at each tick that completed a trace indexed every span
 * as many times as the window is long (200): quadratic under load. Here each trace's share is
 * added when it comes and taken back when it leaves (WindowIndex, TimingsByTrace, the skewed
 * pairs), and the checks across traces look only where the new traces can be named:
 *
 *   new trace brings          looked at                                 else
 *   ───────────────────────   ───────────────────────────────────────   ─────────────────────
 *   an unanswered call or a   every unanswered call in the window,      its hidden hops only
 *   callee root               paired all at once (one root per call)
 *   a root of another kind,   those roots, and the window's roots of    nothing
 *   or a SERVER span          the SERVER span's service inside it
 *   a skewed pair             that pair, if the new trace is its first  nothing
 *
 * so a window where nothing is broken costs each trace its own spans, and a broken one the
 * window's unanswered calls, not its spans.
 */
export class PropagationWindow {
  readonly #index = new WindowIndex();
  readonly #timings = new TimingsByTrace<Member>();
  readonly #skew = new Map<string, SkewList>();
  /** In the order of traces. */
  readonly #traces: Member[] = [];
  readonly #byId = new Map<TraceId, Member[]>();
  #seq = 0;
  readonly work: WindowWork = { spansIndexed: 0, callsJudged: 0, rootsChecked: 0 };

  constructor(readonly capacity: number) {}

  /**
   * Traces just completed, each with its earliest start and its part (`tracePart(tree, options,
   * 'all')`): the findings naming each of their ids, then the window cut back to `capacity`.
   */
  add(
    completed: readonly { readonly start: Nanos; readonly part: TracePart }[],
  ): Map<TraceId, PropagationFinding[]> {
    const added = completed.map(({ start, part }) => memberOf(start, part, this.#seq++));
    for (const member of added) this.#enter(member);
    this.#index.add(added);
    this.work.spansIndexed = this.#index.spansIndexed;
    const named = new Set(added.map((member) => member.traceId));
    // Each trace of those ids, the ones already here too: a trace id that completed twice.
    const mine = [...named].flatMap((id) => this.#byId.get(id)!).sort(byTraceOrder);
    const findings = [
      ...this.#calls(mine),
      ...this.#lostContexts(mine),
      ...mine.flatMap((member) => member.part.orphans),
      ...this.#skewFindings(mine, named),
    ];
    while (this.#traces.length > this.capacity) this.#leave(this.#traces.shift()!);
    return byNamedTrace(findings, named);
  }

  #enter(member: Member): void {
    let at = this.#traces.length;
    while (at > 0 && byTraceOrder(this.#traces[at - 1]!, member) > 0) at--;
    this.#traces.splice(at, 0, member);
    const same = this.#byId.get(member.traceId);
    if (same) same.push(member);
    else this.#byId.set(member.traceId, [member]);
    for (const { caller, callee, timing } of answeredCalls(member))
      this.#timings.add(member, caller, callee, timing);
    for (const [rank, { parent, child, offset }] of member.part.skew.entries()) {
      const key = `${parent.service}\u0000${child.service}`;
      let list = this.#skew.get(key);
      if (!list) {
        list = new SkewList();
        this.#skew.set(key, list);
      }
      list.insert({ member, rank, parent, child, offset });
    }
  }

  #leave(member: Member): void {
    this.#index.remove(member);
    for (const { caller, callee } of answeredCalls(member)) this.#timings.remove(member, caller, callee);
    // One forget per pair with all of the trace's entries: a list may drop them all at once.
    const counts = new Map<string, number>();
    for (const { parent, child } of member.part.skew) {
      const key = `${parent.service}\u0000${child.service}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [key, count] of counts) {
      const list = this.#skew.get(key)!;
      list.forget(count);
      if (list.live === 0) this.#skew.delete(key);
    }
    const same = this.#byId.get(member.traceId)!.filter((m) => m !== member);
    if (same.length > 0) this.#byId.set(member.traceId, same);
    else this.#byId.delete(member.traceId);
  }

  /**
   * Split traces and unanswered calls pair every unanswered call of the window with its roots
   * all at once: judged again when a new trace brings a call or a root; else nothing of the
   * pairing can name it, and only its hidden hops do.
   */
  #calls(mine: readonly Member[]): PropagationFinding[] {
    if (!mine.some((m) => m.waiting > 0 || m.part.index.calleeRoots.length > 0))
      return mine.flatMap((m) => m.noted.filter((call) => !('call' in call)) as PropagationFinding[]);
    for (const member of this.#traces) this.work.callsJudged += member.waiting;
    return judgeCalls(
      this.#traces.flatMap((m) => m.noted),
      this.#index,
      this.#timings,
    );
  }

  /**
   * Lost contexts that can name the new traces: their own roots of other kinds, and roots of the
   * window that started inside one of their SERVER or CONSUMER spans' service (the only way a new
   * trace becomes the one request such a root's service was serving).
   */
  #lostContexts(mine: readonly Member[]): PropagationFinding[] {
    const roots = new Map<string, Placed>();
    const note = (root: Placed) => roots.set(`${root.trace.seq}/${root.rank}`, root);
    for (const member of mine) {
      for (const [rank, span] of member.part.index.otherRoots.entries())
        note({ traceId: member.traceId, span, trace: member, rank });
      for (const span of member.part.index.spans)
        if (span.kind === 'server' || span.kind === 'consumer')
          for (const root of this.#index.otherRootsStartingIn(span.service, span.start, span.end)) note(root);
    }
    this.work.rootsChecked += roots.size;
    return [...roots.values()]
      .sort(byPlace)
      .map((root) => lostContextOf(root, this.#index))
      .filter((finding) => finding !== undefined);
  }

  /** A pair of services' skew is named by its first skewed pair of spans: reported when that is new. */
  #skewFindings(mine: readonly Member[], named: ReadonlySet<TraceId>): PropagationFinding[] {
    const firsts = new Set<SkewEntry>();
    for (const member of mine)
      for (const { parent, child } of member.part.skew) {
        const first = this.#skew.get(`${parent.service}\u0000${child.service}`)!.first();
        if (first && named.has(first.member.traceId)) firsts.add(first);
      }
    return [...firsts]
      .sort((a, b) => byTraceOrder(a.member, b.member) || a.rank - b.rank)
      .map((first) =>
        skewFinding(
          { traceId: first.member.traceId, parent: first.parent, child: first.child },
          this.#skew.get(keyOf(first))!.offsets(),
        ),
      );
  }
}

/** A trace in the window, with its calls as ClientCallCheck notes them: hidden hops and unanswered calls. */
interface Member extends WindowTrace {
  readonly noted: readonly NotedCall[];
  /** Its unanswered calls. */
  readonly waiting: number;
}

function memberOf(start: Nanos, part: TracePart, seq: number): Member {
  const noted: NotedCall[] = [];
  for (const call of part.calls) {
    if (call.kind === 'pending')
      noted.push({ call: { traceId: part.traceId, span: call.span }, peer: call.peer });
    else if (call.hop) noted.push(call.hop);
  }
  const waiting = part.calls.filter((call) => call.kind === 'pending').length;
  return { start, traceId: part.traceId, seq, part, live: true, noted, waiting };
}

/** The findings by each named trace they name, their own or the related one, in their order. */
function byNamedTrace(
  findings: readonly PropagationFinding[],
  named: ReadonlySet<TraceId>,
): Map<TraceId, PropagationFinding[]> {
  const out = new Map<TraceId, PropagationFinding[]>();
  const note = (traceId: TraceId, finding: PropagationFinding) => {
    if (!named.has(traceId)) return;
    const list = out.get(traceId);
    if (list) list.push(finding);
    else out.set(traceId, [finding]);
  };
  for (const finding of findings) {
    note(finding.traceId, finding);
    if (
      'relatedTraceId' in finding &&
      finding.relatedTraceId !== undefined &&
      finding.relatedTraceId !== finding.traceId
    )
      note(finding.relatedTraceId, finding);
  }
  return out;
}

/** The calls of a trace answered in it whose timing lines the clocks up (ClientCallCheck.add). */
function answeredCalls(member: Member): { caller: string; callee: string; timing: CallTiming }[] {
  const out: { caller: string; callee: string; timing: CallTiming }[] = [];
  for (const call of member.part.calls)
    if (call.kind === 'continued' && call.timing && !call.counted)
      out.push({ caller: call.caller, callee: call.callee, timing: call.timing });
  return out;
}

interface SkewEntry {
  readonly member: Member;
  /** Its place in its part's skewed pairs. */
  readonly rank: number;
  readonly parent: Span;
  readonly child: Span;
  readonly offset: number;
}

function keyOf({ parent, child }: SkewEntry): string {
  return `${parent.service}\u0000${child.service}`;
}

/** One pair of services' skewed spans in the order of traces; those of traces that left drop out lazily. */
class SkewList {
  #entries: SkewEntry[] = [];
  #gone = 0;

  get live(): number {
    return this.#entries.length - this.#gone;
  }

  insert(entry: SkewEntry): void {
    let at = this.#entries.length;
    while (
      at > 0 &&
      (byTraceOrder(this.#entries[at - 1]!.member, entry.member) ||
        this.#entries[at - 1]!.rank - entry.rank) > 0
    )
      at--;
    this.#entries.splice(at, 0, entry);
  }

  forget(count: number): void {
    this.#gone += count;
    if (this.#gone * 2 <= this.#entries.length) return;
    this.#entries = this.#entries.filter((entry) => entry.member.live);
    this.#gone = 0;
  }

  /** The first in the window; entries of traces that left are dropped from the front on the way. */
  first(): SkewEntry | undefined {
    let dropped = 0;
    while (dropped < this.#entries.length && !this.#entries[dropped]!.member.live) dropped++;
    if (dropped > 0) {
      this.#entries.splice(0, dropped);
      this.#gone -= dropped;
    }
    return this.#entries[0];
  }

  offsets(): number[] {
    return this.#entries.filter((entry) => entry.member.live).map((entry) => entry.offset);
  }
}
