import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analysis/analyze-trace.js';
import type { ErrorGroup } from '../../src/analysis/group-errors.js';
import type { PropagationFinding } from '../../src/analysis/propagation/findings.js';
import type { ErrorsDocument } from '../../src/render/contracts/errors.js';
import type { ListDocument } from '../../src/render/contracts/list.js';
import type { PropagationDocument } from '../../src/render/contracts/propagation.js';
import type { ShowDocument } from '../../src/render/contracts/show.js';
import { errorsReport } from '../../src/render/errors/report.js';
import { renderReport } from '../../src/render/formats/render-report.js';
import { listReport } from '../../src/render/list/report.js';
import { propagationReportOf } from '../../src/render/propagation/report.js';
import { NAME_LIMIT, VALUE_LIMIT } from '../../src/render/quote.js';
import { renderLiveTrace, renderLiveTraceJson } from '../../src/render/receive/live-trace.js';
import type { Report } from '../../src/render/report.js';
import { showReport } from '../../src/render/show/report.js';
import { PLAIN_STYLE } from '../../src/render/style.js';
import { errorGroup, errorReport, REFUSED_POINT } from '../helpers/error-report.js';
import { makeTrace, type SpanSpec } from '../helpers/make-span.js';
import { FINDINGS, propagationReport } from '../helpers/propagation-report.js';
import { analyse, exceptionEvent, TREE_OPTIONS } from '../helpers/show-scenarios.js';
import { traceSummary } from '../helpers/trace-summary.js';

/**
 * Span data past the limits of quote.ts, in every text output of every command: names cut to
 * NAME_LIMIT characters and values to VALUE_LIMIT, each with a marker saying how much was left out;
 * the JSON document keeps them whole. The case: a 30 MB span name, which `show` printed as
 * 92 MB and `receive` as a 30 MB line.
 */

const HUGE_NAME = 'n'.repeat(30_000_000);
const LONG_NAME = 'o'.repeat(50_000);
const LONG_MESSAGE = 'm'.repeat(50_000);
const CUT_HUGE_NAME = `${'n'.repeat(NAME_LIMIT)}…(+29,999,800 chars)`;
const CUT_LONG_NAME = `${'o'.repeat(NAME_LIMIT)}…(+49,800 chars)`;
const CUT_LONG_MESSAGE = `${'m'.repeat(VALUE_LIMIT)}…(+49,000 chars)`;

const TEXT_FORMATS = ['text', 'markdown', 'junit', 'github'] as const;

/**
 * The report in each text format, wide enough that no column cuts anything; GitHub annotations as
 * the runner reads them (`%2C` is a comma in a title).
 */
const textOutputs = (report: Report) =>
  TEXT_FORMATS.map((format) => {
    const out = renderReport(report, format, PLAIN_STYLE, 100_000);
    return [format, format === 'github' ? decodeURIComponent(out) : out] as const;
  });

/**
 * A failed server span, its name 30 MB, its exception's message and stack 50 KB:
 *   <30 MB name> (web) ✗ ── Boom: <50 KB message>, stack "at <50 KB>" and "at f"
 */
const HUGE_SPECS: readonly SpanSpec[] = [
  {
    id: '1',
    name: HUGE_NAME,
    service: 'web',
    kind: 'server',
    startMs: 0,
    endMs: 10,
    status: { code: 'error', message: LONG_MESSAGE },
    events: [exceptionEvent(5, 'Boom', LONG_MESSAGE, `at ${LONG_MESSAGE}\nat f`)],
  },
];

describe('show', () => {
  const { style: _style, width: _width, ...textOptions } = TREE_OPTIONS;
  const view = analyse(HUGE_SPECS);
  const report = showReport(view, { ...textOptions, stack: true });

  it('text: the tree, the root line and the verdict cut the name, the exception and each stack line', () => {
    const text = renderReport(report, 'text', PLAIN_STYLE, 100_000);
    const lines = text.split('\n');
    expect(lines).toContain(`${CUT_HUGE_NAME} (web) 10ms*  ✗ ◀ origin`);
    expect(lines).toContain(`└─ Boom: ${CUT_LONG_MESSAGE}`);
    expect(lines).toContain(`      at ${'m'.repeat(VALUE_LIMIT - 3)}…(+49,003 chars)`);
    expect(lines).toContain('      at f');
    expect(lines.find((l) => l.startsWith('root '))).toContain(`root ${CUT_HUGE_NAME} (web)`);
    expect(lines.find((l) => l.startsWith('✗ '))).toBe(
      `✗ web failed: Boom: ${CUT_LONG_MESSAGE} in ${CUT_HUGE_NAME} after 10ms.`,
    );
    // 92 MB before.
    expect(text.length).toBeLessThan(10_000);
  });

  it.each(TEXT_FORMATS.slice(1))('%s: the check and the verdict cut the same way', (format) => {
    const out = renderReport(report, format, PLAIN_STYLE, 100_000);
    expect(out).toContain(CUT_HUGE_NAME);
    expect(out).toContain(CUT_LONG_MESSAGE);
    expect(out.length).toBeLessThan(10_000);
  });

  it('json: every value whole, in the spans and in the verdict', () => {
    const doc = report.json as ShowDocument;
    expect(doc.spans[0]!.name).toBe(HUGE_NAME);
    expect(doc.spans[0]!.status.message).toBe(LONG_MESSAGE);
    expect(doc.spans[0]!.exceptions[0]!.stacktrace).toBe(`at ${LONG_MESSAGE}\nat f`);
    expect(doc.diagnosis.text).toBe(`web failed: Boom: ${LONG_MESSAGE} in ${HUGE_NAME} after 10ms.`);
  });
});

describe('receive', () => {
  const trace = makeTrace(HUGE_SPECS);
  const analysis = analyzeTrace(trace, { limits: [] });
  const finding: PropagationFinding = { ...FINDINGS.unanswered, operation: LONG_NAME };

  it('text: one line a trace, a few kilobytes, however wide the terminal (30 MB before)', () => {
    const text = renderLiveTrace(trace, analysis, [finding], PLAIN_STYLE, 100_000);
    const [head, findingLine] = text.split('\n');
    expect(head).toContain(
      `  ${CUT_HUGE_NAME} (web)  10ms  1 span  web failed: Boom: ${CUT_LONG_MESSAGE} in ${CUT_HUGE_NAME}`,
    );
    expect(findingLine).toContain(`user-service › ${CUT_LONG_NAME} called order-service`);
    expect(text.length).toBeLessThan(5_000);
  });

  it('ndjson: every value whole', () => {
    const short = makeTrace([{ ...HUGE_SPECS[0]!, name: LONG_NAME }]);
    const line = JSON.parse(renderLiveTraceJson(short, analyzeTrace(short, { limits: [] }), [finding]));
    expect(line.rootName).toBe(LONG_NAME);
    expect(line.diagnosis.text).toBe(`web failed: Boom: ${LONG_MESSAGE} in ${LONG_NAME} after 10ms.`);
    expect(line.findings[0].message).toContain(`user-service › ${LONG_NAME} called`);
  });
});

describe('errors', () => {
  const group: ErrorGroup = errorGroup({ operation: LONG_NAME, message: LONG_MESSAGE });
  const report = errorsReport(
    errorReport({
      groups: [group],
      topOrigin: { point: { ...REFUSED_POINT, operation: LONG_NAME }, traces: 2, failingTraces: 2 },
    }),
    { failOn: 'any', maxErrors: 0, failingSpans: 2, failed: true },
    10,
    () => true,
  );

  it.each(textOutputs(report))('%s: the operation and the message cut', (_format, out) => {
    expect(out).toContain(CUT_LONG_NAME);
    expect(out).toContain(CUT_LONG_MESSAGE);
    expect(out.length).toBeLessThan(12_000);
  });

  it('json: every value whole, in the groups and in the summary', () => {
    const doc = report.json as ErrorsDocument;
    expect(doc.groups[0]).toMatchObject({ operation: LONG_NAME, message: LONG_MESSAGE });
    expect(doc.summary.text).toContain(`user-service › ${LONG_NAME} → 127.0.0.1:4001`);
  });
});

describe('list', () => {
  const report = listReport([traceSummary({ rootName: LONG_NAME })]);

  it.each(textOutputs(report))('%s: the root cut', (_format, out) => {
    expect(out).toContain(CUT_LONG_NAME);
    expect(out.length).toBeLessThan(3_000);
  });

  it('json: the root whole', () => {
    expect((report.json as ListDocument).traces[0]!.rootName).toBe(LONG_NAME);
  });
});

describe('check-propagation', () => {
  const report = propagationReportOf(
    propagationReport({
      findings: [
        { ...FINDINGS.splitNoExtract, operation: LONG_NAME },
        { ...FINDINGS.contextLost, operation: LONG_NAME },
      ],
    }),
    { failOn: 'info', failed: true },
  );

  it.each(textOutputs(report))('%s: the operation cut in every finding', (format, out) => {
    // Annotations hold the edge's headline, not the split call's explanation (the details).
    if (format !== 'github') expect(out).toContain(`user-service › ${CUT_LONG_NAME} called order-service`);
    expect(out).toContain(`worker › ${CUT_LONG_NAME}`);
    expect(out.length).toBeLessThan(6_000);
  });

  it('json: the operation whole, in the finding and in its message', () => {
    const doc = report.json as PropagationDocument;
    expect(doc.findings[0]).toMatchObject({ operation: LONG_NAME });
    expect(doc.findings[0]!.message).toContain(`user-service › ${LONG_NAME} called order-service`);
  });
});
