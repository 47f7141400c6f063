import { quantile, sortedAscending } from '../model/stats.js';
import type { Nanos, SpanKind, SpanNode, TraceId, TraceTree } from '../model/types.js';
import {
  checkMaxCalls,
  checkMaxSequential,
  checkNoNPlusOne,
  type PerfRuleOutcome,
} from './assert-perf-rules.js';
import { detectPerf } from './perf/detect-perf.js';
import type { PerfFinding } from './perf/perf-findings.js';
import { DEFAULT_PERF_THRESHOLDS, type PerfThresholds } from './perf/thresholds.js';
import type { PropagationReport } from './propagation/check-propagation.js';
import type { SpanFacts } from './span-facts.js';

/** Which spans a rule is about. Every field given must match; `operation` is a glob (`*`, `?`). */
export interface SpanSelector {
  readonly service?: string | undefined;
  readonly operation?: string | undefined;
  readonly kind?: SpanKind | undefined;
  readonly attributes?: Readonly<Record<string, string | number | boolean>> | undefined;
}

export type Rule = { readonly name: string; readonly select: SpanSelector } & (
  | { readonly type: 'no-error-origins' }
  | { readonly type: 'no-timeouts' }
  | {
      readonly type: 'duration';
      readonly p50?: Nanos | undefined;
      readonly p95?: Nanos | undefined;
      readonly max?: Nanos | undefined;
    }
  | { readonly type: 'span-count'; readonly max: number }
  | { readonly type: 'required-attributes'; readonly attributes: readonly string[] }
  | { readonly type: 'propagation'; readonly from: string; readonly to: string }
  | { readonly type: 'no-orphans' }
  /** No N+1 loop (perf/n-plus-one.ts) made by a selected span. */
  | { readonly type: 'no-n-plus-one' }
  /** At most `max` calls in each trace, or below each selected span. */
  | { readonly type: 'max-calls'; readonly max: number }
  /** At most `max` calls one after another under each (selected) span. */
  | { readonly type: 'max-sequential'; readonly max: number }
);

/** The rules that read calls as `otrace perf` does (perf/calls.ts). */
export const PERF_RULE_TYPES: ReadonlySet<Rule['type']> = new Set([
  'no-n-plus-one',
  'max-calls',
  'max-sequential',
]);

export interface Evidence {
  readonly traceId: TraceId;
  readonly spanId: string | undefined;
  readonly detail: string;
}

export interface RuleResult {
  readonly rule: Rule;
  readonly passed: boolean;
  /** What was measured or counted, as data for the wording in render/. */
  readonly measured: Readonly<Record<string, number | string>>;
  /** The failing traces and spans (the first few). */
  readonly evidence: readonly Evidence[];
  /** Spans (or traces, for span-count) the rule looked at. */
  readonly matched: number;
}

export interface AnalysedTrace {
  readonly tree: TraceTree;
  readonly facts: readonly SpanFacts[];
}

const MAX_EVIDENCE = 5;

/**
 * Each rule over every trace; pure. `thresholds` are the performance detectors' (`.otrace.json`'s
 * "perf"), for `no-n-plus-one`: a loop `otrace perf` reports is one `assert` fails on.
 */
export function evaluateRules(
  rules: readonly Rule[],
  traces: readonly AnalysedTrace[],
  propagation: PropagationReport,
  thresholds: PerfThresholds = DEFAULT_PERF_THRESHOLDS,
): RuleResult[] {
  // Each trace's performance findings, worked out once, and only for a rule that reads them.
  const perf = new Map<AnalysedTrace, readonly PerfFinding[]>();
  const perfOf = (t: AnalysedTrace) => {
    let found = perf.get(t);
    if (found === undefined) {
      found = detectPerf(t.tree, thresholds);
      perf.set(t, found);
    }
    return found;
  };
  return rules.map((rule) => evaluate(rule, traces, propagation, perfOf));
}

function evaluate(
  rule: Rule,
  traces: readonly AnalysedTrace[],
  propagation: PropagationReport,
  perfOf: (t: AnalysedTrace) => readonly PerfFinding[],
): RuleResult {
  const matches = (node: SpanNode) => selects(rule.select, node);
  const spans = () => traces.flatMap((t) => t.tree.nodes.filter(matches).map((node) => ({ t, node })));
  const result = (
    passed: boolean,
    evidence: Evidence[],
    matched: number,
    measured: Record<string, number | string> = {},
  ) => ({
    rule,
    passed,
    measured,
    evidence: evidence.slice(0, MAX_EVIDENCE),
    matched,
  });
  const outcome = (o: PerfRuleOutcome) => result(o.passed, o.evidence, o.matched, o.measured);
  switch (rule.type) {
    case 'no-error-origins': {
      const all = spans();
      const bad = all.filter(({ t, node }) => {
        const f = t.facts[node.index]!;
        return f.role === 'origin' && !f.recoveredBy;
      });
      return result(
        bad.length === 0,
        bad.map(({ t, node }) => evidenceOf(t, node, 'error origin')),
        all.length,
        { count: bad.length },
      );
    }
    case 'no-timeouts': {
      const all = spans();
      const bad = all.filter(({ t, node }) => t.facts[node.index]!.timeout !== undefined);
      return result(
        bad.length === 0,
        bad.map(({ t, node }) => evidenceOf(t, node, 'timed out')),
        all.length,
        { count: bad.length },
      );
    }
    case 'duration': {
      const all = spans();
      const durations = sortedAscending(all.map(({ node }) => node.span.end - node.span.start));
      const at = (q: number) => quantile(durations, q) ?? 0n;
      const measured = {
        p50: Number(at(0.5)),
        p95: Number(at(0.95)),
        max: Number(durations[durations.length - 1] ?? 0n),
      };
      // The limits exceeded; the evidence is every span over the lowest of them.
      const exceeded = (
        [
          [rule.p50, measured.p50],
          [rule.p95, measured.p95],
          [rule.max, measured.max],
        ] as const
      ).flatMap(([limit, value]) => (limit !== undefined && BigInt(value) > limit ? [limit] : []));
      const passed = exceeded.length === 0;
      const slowest = [...all].sort((a, b) =>
        b.node.span.end - b.node.span.start > a.node.span.end - a.node.span.start ? 1 : -1,
      );
      const limit = exceeded.reduce<Nanos | undefined>(
        (low, l) => (low === undefined || l < low ? l : low),
        undefined,
      );
      const evidence = passed
        ? []
        : slowest
            .filter(({ node }) => limit === undefined || node.span.end - node.span.start > limit)
            .map(({ t, node }) =>
              evidenceOf(t, node, `${(Number(node.span.end - node.span.start) / 1e6).toFixed(1)} ms`),
            );
      return result(passed, evidence, all.length, measured);
    }
    case 'span-count': {
      const bad = traces.filter((t) => t.tree.nodes.length > rule.max);
      return result(
        bad.length === 0,
        bad.map((t) => ({
          traceId: t.tree.traceId,
          spanId: undefined,
          detail: `${t.tree.nodes.length} spans`,
        })),
        traces.length,
        { largest: Math.max(0, ...traces.map((t) => t.tree.nodes.length)) },
      );
    }
    case 'required-attributes': {
      const all = spans();
      const bad = all.filter(({ node }) =>
        rule.attributes.some((key) => node.span.attributes[key] === undefined),
      );
      return result(
        bad.length === 0,
        bad.map(({ t, node }) =>
          evidenceOf(
            t,
            node,
            `missing ${rule.attributes.filter((k) => node.span.attributes[k] === undefined).join(', ')}`,
          ),
        ),
        all.length,
        { count: bad.length },
      );
    }
    case 'propagation': {
      const edge = propagation.edges.find((e) => e.caller === rule.from && e.callee === rule.to);
      const broken = propagation.findings.filter(
        (f) =>
          (f.kind === 'split-trace' || f.kind === 'unanswered-client') &&
          f.service === rule.from &&
          f.peerService === rule.to,
      );
      return result(
        broken.length === 0,
        broken.map((f) => ({ traceId: f.traceId, spanId: f.spanId, detail: f.kind })),
        edge?.calls ?? 0,
        { calls: edge?.calls ?? 0, continued: (edge?.continued ?? 0) + (edge?.linked ?? 0) },
      );
    }
    case 'no-orphans': {
      const all = spans();
      const bad = all.filter(({ node }) => node.parentMissing);
      return result(
        bad.length === 0,
        bad.map(({ t, node }) => evidenceOf(t, node, `parent ${node.span.parentSpanId} missing`)),
        all.length,
        {
          count: bad.length,
        },
      );
    }
    case 'no-n-plus-one':
      return outcome(checkNoNPlusOne(traces, perfOf, matches));
    case 'max-calls':
      return outcome(checkMaxCalls(traces, rule.max, isEmpty(rule.select), matches));
    case 'max-sequential':
      return outcome(checkMaxSequential(traces, rule.max, matches));
  }
}

/** A selector that selects every span. */
function isEmpty(select: SpanSelector): boolean {
  return Object.values(select).every((value) => value === undefined);
}

function evidenceOf(t: AnalysedTrace, node: SpanNode, detail: string): Evidence {
  return {
    traceId: t.tree.traceId,
    spanId: node.span.spanId,
    detail: `${node.span.service} › ${node.span.name}: ${detail}`,
  };
}

function selects(select: SpanSelector, node: SpanNode): boolean {
  const { span } = node;
  if (select.service !== undefined && span.service !== select.service) return false;
  if (select.kind !== undefined && span.kind !== select.kind) return false;
  if (select.operation !== undefined && !globToRegExp(select.operation).test(span.name)) return false;
  for (const [key, value] of Object.entries(select.attributes ?? {})) {
    const actual = span.attributes[key] ?? span.resource[key];
    if (actual === undefined || actual === null || String(actual) !== String(value)) return false;
  }
  return true;
}

const globs = new Map<string, RegExp>();

/** `GET /orders*` → /^GET \/orders.*$/ (only `*` and `?` are special). */
export function globToRegExp(glob: string): RegExp {
  let re = globs.get(glob);
  if (!re) {
    re = new RegExp(
      `^${glob
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      's',
    );
    globs.set(glob, re);
  }
  return re;
}
