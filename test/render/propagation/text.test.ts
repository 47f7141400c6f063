import { describe, expect, it } from 'vitest';
import { propagationSummary, renderPropagationText } from '../../../src/render/propagation/text.js';
import { createStyle, PLAIN_STYLE } from '../../../src/render/style.js';
import {
  BROKEN_EDGE,
  CALLEE_ROOT,
  CALLEE_TRACE,
  CALLER_TRACE,
  CLIENT_SPAN,
  FINDINGS,
  propagationReport,
  WHOLE_EDGE,
} from '../../helpers/propagation-report.js';

/** A row of the borderless edge table: caller → callee left-aligned, the counts right-aligned. */
const WIDTHS = [28, 5, 9, 6, 5, 10];
const row = (...cells: string[]) =>
  cells
    .map((c, i) => (i === 0 ? c.padEnd(WIDTHS[i]!) : c.padStart(WIDTHS[i]!)))
    .join('  ')
    .trimEnd();

describe('renderPropagationText', () => {
  it('the edge table, the findings worst first with their explanation, the summary', () => {
    const text = renderPropagationText(propagationReport(), PLAIN_STYLE, 200);
    expect(text.split('\n')).toEqual([
      row('caller → callee', 'calls', 'continued', 'linked', 'split', 'unanswered'),
      row('user-service → order-service', '3', '1', '0', '1', '1'),
      row('web → user-service', '12', '11', '1', '0', '0'),
      '',
      `✗ split-trace  trace ${CALLER_TRACE} span ${CLIENT_SPAN}`,
      // 190 columns: the next word would pass 200 - 4
      '    user-service › GET called order-service (order-service:8080), which started a new trace 7de09c051203f84f (GET /orders) instead of continuing this one: order-service did not extract the trace',
      '    context (no propagator, or another format, such as B3 against W3C)',
      `! unanswered-client  trace ${CALLER_TRACE} span ${CLIENT_SPAN}`,
      '    user-service › GET called order-service, but no span of order-service answered it in this trace or any other: it does not continue the trace, or its spans are missing',
      `i orphan-span  trace ${CALLEE_TRACE} span ${CALLEE_ROOT}`,
      "    3 spans hang off 00000000000000ff, which has not arrived: the trace's root is missing (still on its way, or lost)",
      '',
      '3 findings in 5 traces: 1 error, 1 warning, 1 info. order-service continued 1 of 3 calls from user-service.',
      '',
    ]);
  });

  it('orders findings by severity, keeping their order within one', () => {
    const report = propagationReport({
      findings: [
        FINDINGS.hiddenHop,
        FINDINGS.clockSkew,
        FINDINGS.contextLost,
        FINDINGS.unanswered,
        FINDINGS.splitHop,
      ],
    });
    const heads = renderPropagationText(report, PLAIN_STYLE, 200)
      .split('\n')
      .filter((l) => / {2}trace /.test(l))
      .map((l) => l.split('  ')[0]);
    expect(heads).toEqual([
      '✗ context-lost',
      '✗ split-trace',
      '! clock-skew',
      '! unanswered-client',
      'i hidden-hop',
    ]);
  });

  it('wraps explanations to the width, between words, indented by four', () => {
    const text = renderPropagationText(
      propagationReport({ findings: [FINDINGS.unanswered], edges: [] }),
      PLAIN_STYLE,
      44,
    );
    expect(text.split('\n')).toEqual([
      `! unanswered-client  trace ${CALLER_TRACE} span ${CLIENT_SPAN}`,
      '    user-service › GET called order-service,',
      '    but no span of order-service answered it',
      '    in this trace or any other: it does not',
      '    continue the trace, or its spans are',
      '    missing',
      '',
      '1 finding in 5 traces: 1 warning.',
      '',
    ]);
  });

  it('never wraps narrower than 40 columns', () => {
    const narrow = renderPropagationText(
      propagationReport({ findings: [FINDINGS.unanswered], edges: [] }),
      PLAIN_STYLE,
      10,
    );
    const at44 = renderPropagationText(
      propagationReport({ findings: [FINDINGS.unanswered], edges: [] }),
      PLAIN_STYLE,
      44,
    );
    expect(narrow).toBe(at44);
  });

  it('nothing found: just the summary', () => {
    expect(renderPropagationText(propagationReport({ findings: [], edges: [] }), PLAIN_STYLE, 80)).toBe(
      'No propagation problems in 5 traces.\n',
    );
  });

  it('edges but no findings: the table and the summary', () => {
    const lines = renderPropagationText(
      propagationReport({ findings: [], edges: [WHOLE_EDGE] }),
      PLAIN_STYLE,
      80,
    ).split('\n');
    expect(lines.slice(2)).toEqual(['', 'No propagation problems in 5 traces.', '']);
  });

  it('escapes service names in the table', () => {
    const text = renderPropagationText(
      propagationReport({ findings: [], edges: [{ ...WHOLE_EDGE, caller: 'w\u001b[2J' }] }),
      PLAIN_STYLE,
      80,
    );
    expect(text.split('\n')[1]).toMatch(/^w\\u\{1b\}\[2J → user-service {2}/);
  });

  it('colours: the continued count of a broken edge, each finding by its severity', () => {
    const text = renderPropagationText(propagationReport(), createStyle(true), 200);
    expect(text).toContain('\u001b[31m\u001b[1m1\u001b[22m\u001b[39m');
    expect(text).toContain('\u001b[31m\u001b[1m✗ split-trace\u001b[22m\u001b[39m  trace');
    expect(text).toContain('\u001b[33m! unanswered-client\u001b[39m  trace');
    expect(text).toContain('\u001b[2mi orphan-span\u001b[22m  trace');
    // the whole edge's counts stay plain
    expect(text).toMatch(/web → user-service +12 +11 +1/);
  });
});

describe('propagationSummary', () => {
  it('nothing found', () => {
    expect(propagationSummary(propagationReport({ findings: [], edges: [WHOLE_EDGE], traces: 1 }))).toBe(
      'No propagation problems in 1 trace.',
    );
  });

  it('counts by severity, leaving out the empty ones', () => {
    expect(
      propagationSummary(
        propagationReport({ findings: [FINDINGS.hiddenHop, FINDINGS.clockSkew], edges: [WHOLE_EDGE] }),
      ),
    ).toBe('2 findings in 5 traces: 1 warning, 1 info.');
  });

  it('adds the worst edge when it is broken', () => {
    expect(
      propagationSummary(propagationReport({ findings: [FINDINGS.unanswered], edges: [BROKEN_EDGE] })),
    ).toBe('1 finding in 5 traces: 1 warning. order-service continued 1 of 3 calls from user-service.');
  });
});
