import type { RuleResult } from '../../analysis/assert-rules.js';
import type { AssertDocument } from '../contracts/assert.js';
import { ASSERT_SCHEMA_VERSION } from '../contracts/versions.js';
import { formatDuration, plural } from '../format.js';
import { quoteName, quoteValue } from '../quote.js';
import type { Report } from '../report.js';
import { sanitize } from '../sanitize.js';

/** A rule that matched nothing fails: a misspelt service must not pass in silence. */
export function ruleFailed(r: RuleResult): boolean {
  return !r.passed || r.matched === 0;
}

/** What a rule found, in one line. */
export function ruleMessage(r: RuleResult): string {
  const { rule, measured: m } = r;
  if (r.matched === 0) {
    return rule.type === 'propagation'
      ? `no calls from ${sanitize(rule.from)} to ${sanitize(rule.to)} were seen`
      : 'no spans matched the selector: check it';
  }
  const n = Number(m.count ?? 0);
  switch (rule.type) {
    case 'no-error-origins':
      return n === 0
        ? `no error starts in ${plural(r.matched, 'span')}`
        : `${plural(n, 'error origin')} in ${plural(r.matched, 'span')}`;
    case 'no-timeouts':
      return n === 0
        ? `no timeouts in ${plural(r.matched, 'span')}`
        : `${plural(n, 'timeout')} in ${plural(r.matched, 'span')}`;
    case 'duration': {
      const limits = (['p50', 'p95', 'max'] as const)
        .filter((k) => rule[k] !== undefined)
        .map((k) => `${k} ≤ ${formatDuration(rule[k]!)}`)
        .join(', ');
      return `p50 ${formatDuration(BigInt(m.p50!))}, p95 ${formatDuration(BigInt(m.p95!))}, max ${formatDuration(BigInt(m.max!))} over ${plural(r.matched, 'span')} (wanted ${limits})`;
    }
    case 'span-count':
      return `the largest of ${plural(r.matched, 'trace')} has ${plural(Number(m.largest), 'span')} (at most ${rule.max} wanted)`;
    case 'required-attributes':
      return n === 0
        ? `all ${plural(r.matched, 'span')} carry ${rule.attributes.map(sanitize).join(', ')}`
        : `${n} of ${plural(r.matched, 'span')} lack ${rule.attributes.map(sanitize).join(', ')}`;
    case 'propagation':
      return `${sanitize(rule.to)} continued ${m.continued} of ${plural(Number(m.calls), 'call')} from ${sanitize(rule.from)}`;
    case 'no-orphans':
      return n === 0
        ? `no orphans among ${plural(r.matched, 'span')}`
        : `${plural(n, 'orphan span')} among ${plural(r.matched, 'span')}`;
    case 'no-n-plus-one':
      return n === 0
        ? `no N+1 loops made by ${plural(r.matched, 'span')}`
        : `${plural(n, 'N+1 loop')} made by ${plural(r.matched, 'span')}`;
    case 'max-calls':
      return m.per === 'trace'
        ? `the busiest of ${plural(r.matched, 'trace')} makes ${plural(Number(m.most), 'call')} (at most ${rule.max} wanted)`
        : `the busiest of ${plural(r.matched, 'span')} has ${plural(Number(m.most), 'call')} below it (at most ${rule.max} wanted)`;
    case 'max-sequential':
      return `the longest run of calls one after another under one of ${plural(r.matched, 'span')}: ${m.longest} (at most ${rule.max} wanted)`;
  }
}

export function assertReport(results: readonly RuleResult[], rulesFile: string, traces: number): Report {
  const failed = results.filter(ruleFailed).length;
  const doc: AssertDocument = {
    schemaVersion: ASSERT_SCHEMA_VERSION,
    rulesFile,
    tracesAnalysed: traces,
    passed: results.length - failed,
    failed,
    rules: results.map((r) => ({
      name: r.rule.name,
      type: r.rule.type,
      status: ruleFailed(r) ? 'failed' : 'passed',
      message: ruleMessage(r),
      matched: r.matched,
      measured: { ...r.measured },
      evidence: r.evidence.map((e) => ({ ...e, spanId: e.spanId ?? null })),
    })),
  };
  const summary = `${plural(results.length, 'rule')} over ${plural(traces, 'trace')}: ${failed === 0 ? 'all passed' : `${failed} failed`}.`;
  return {
    command: 'otrace assert',
    title: `Trace assertions (${sanitize(rulesFile)})`,
    summary,
    json: doc,
    items: doc.rules,
    text: (style) =>
      `${results
        .map((r) => {
          const bad = ruleFailed(r);
          const head = `${bad ? style.error('✗') : style.ok('✓')} ${quoteName(r.rule.name)}: ${ruleMessage(r)}`;
          const evidence = r.evidence.map(
            (e) => `    trace ${e.traceId}${e.spanId ? ` span ${e.spanId}` : ''}: ${quoteValue(e.detail)}`,
          );
          return [head, ...evidence].join('\n');
        })
        .join('\n')}\n\n${summary}\n`,
    // Checks reach Markdown, JUnit and GitHub annotations: span data in them is escaped as for text.
    checks: results.map((r) => ({
      name: quoteName(r.rule.name),
      status: ruleFailed(r) ? 'failed' : 'passed',
      severity: 'error',
      message: ruleMessage(r),
      traceId: r.evidence[0]?.traceId,
      details:
        r.evidence
          .map((e) => `trace ${e.traceId}${e.spanId ? ` span ${e.spanId}` : ''}: ${quoteValue(e.detail)}`)
          .join('\n') || undefined,
    })),
  };
}
