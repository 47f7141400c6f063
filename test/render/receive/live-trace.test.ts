import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../../src/analysis/analyze-trace.js';
import type { PropagationFinding } from '../../../src/analysis/propagation/findings.js';
import type { Trace } from '../../../src/model/types.js';
import { renderLiveTrace, renderLiveTraceJson } from '../../../src/render/receive/live-trace.js';
import { createStyle, PLAIN_STYLE } from '../../../src/render/style.js';
import { makeTrace, type SpanSpec, TEST_TRACE_ID } from '../../helpers/make-span.js';
import { FINDINGS } from '../../helpers/propagation-report.js';
import { CHECKOUT, MASKED_TIMEOUT, REFUSED } from '../../helpers/show-scenarios.js';

const live = (specs: readonly SpanSpec[]) => {
  const trace: Trace = makeTrace(specs);
  return { trace, analysis: analyzeTrace(trace, { limits: [] }) };
};
const line = (specs: readonly SpanSpec[], findings: readonly PropagationFinding[] = [], width = 300) => {
  const { trace, analysis } = live(specs);
  return renderLiveTrace(trace, analysis, findings, PLAIN_STYLE, width);
};
const VERDICT =
  'user-service → 127.0.0.1:4001 failed: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4001 in get_user_orders › GET after 6.0ms.';

describe('renderLiveTrace', () => {
  it('a healthy trace: ✓, the id, the root, the duration, the spans, the verdict', () => {
    expect(line(CHECKOUT)).toBe(`✓ ${TEST_TRACE_ID}  GET /checkout (web)  100ms  5 spans  No errors.\n`);
  });

  it('a failed trace: ✗ and the first sentence of the diagnosis', () => {
    expect(line(REFUSED)).toBe(
      `✗ ${TEST_TRACE_ID}  get_user_profile (user-service)  20ms  4 spans  ${VERDICT}\n`,
    );
  });

  it('cuts the verdict to the width', () => {
    // the head takes 82 columns and the mark 2, leaving 36 for the verdict
    const text = line(REFUSED, [], 120);
    expect(text).toBe(
      `✗ ${TEST_TRACE_ID}  get_user_profile (user-service)  20ms  4 spans  user-service → 127.0.0.1:4001 faile…\n`,
    );
    expect(text.trimEnd().length).toBe(120);
  });

  it('keeps at least 20 columns of verdict, however narrow the terminal', () => {
    const text = line(REFUSED, [], 10);
    expect(text.trimEnd().endsWith('  user-service → 127.…')).toBe(true);
  });

  it('one span; a trace whose root is missing says so', () => {
    expect(line([{ name: 'solo', startMs: 0, endMs: 2 }])).toBe(
      `✓ ${TEST_TRACE_ID}  solo (svc)  2.0ms  1 span  No errors.\n`,
    );
    expect(line([{ id: '2', parent: 'ff', name: 'stray', startMs: 0, endMs: 2 }])).toBe(
      `✓ ${TEST_TRACE_ID}  stray (svc) [root missing]  2.0ms  1 span  No errors.\n`,
    );
  });

  it('a line per propagation finding, marked by severity and cut to the width', () => {
    const text = line(CHECKOUT, [FINDINGS.contextLost, FINDINGS.unanswered, FINDINGS.rootNotArrived], 80);
    expect(text.split('\n').slice(1)).toEqual([
      // 80 - 'context-lost'.length - 6 = 62 columns of message: 61 characters and the ellipsis
      '  ✗ context-lost: worker › process started a new trace while handle (trace 4bf9…',
      '  ! unanswered-client: user-service › GET called order-service, but no span of …',
      '  i orphan-span: 3 spans hang off 00000000000000ff, which has not arrived: the …',
      '',
    ]);
    for (const l of text.split('\n').slice(1, 4)) expect(l.length).toBe(80);
  });

  it('escapes control characters in the root', () => {
    expect(line([{ name: 'a\u001b[2J', service: 'b\r', startMs: 0, endMs: 1 }])).toBe(
      `✓ ${TEST_TRACE_ID}  a\\u{1b}[2J (b\\r)  1.0ms  1 span  No errors.\n`,
    );
  });

  it('colours the marks', () => {
    const { trace, analysis } = live(REFUSED);
    const text = renderLiveTrace(trace, analysis, [FINDINGS.hiddenHop], createStyle(true), 300);
    expect(text.startsWith('\u001b[31m\u001b[1m✗\u001b[22m\u001b[39m ')).toBe(true);
    expect(text).toContain('\n  \u001b[2mi\u001b[22m hidden-hop: ');
    const ok = live(CHECKOUT);
    expect(
      renderLiveTrace(ok.trace, ok.analysis, [], createStyle(true), 300).startsWith('\u001b[32m✓\u001b[39m '),
    ).toBe(true);
  });
});

describe('renderLiveTraceJson', () => {
  it('one NDJSON line: the summary, the diagnosis and the findings', () => {
    const { trace, analysis } = live(REFUSED);
    const text = renderLiveTraceJson(trace, analysis, [FINDINGS.unanswered]);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd()).not.toContain('\n');
    expect(JSON.parse(text)).toEqual({
      traceId: TEST_TRACE_ID,
      rootService: 'user-service',
      rootName: 'get_user_profile',
      rootMissing: false,
      durationMs: 20,
      spanCount: 4,
      errorCount: 3,
      diagnosis: { kind: 'failed', text: VERDICT },
      findings: [
        {
          kind: 'unanswered-client',
          severity: 'warning',
          message:
            'user-service › GET called order-service, but no span of order-service answered it in this trace or any other: it does not continue the trace, or its spans are missing',
        },
      ],
    });
  });

  it('a diagnosis of several sentences joined in one text', () => {
    const { trace, analysis } = live(MASKED_TIMEOUT);
    expect(JSON.parse(renderLiveTraceJson(trace, analysis, [])).diagnosis).toEqual({
      kind: 'timed-out',
      text: 'proxy → backend timed out: HTTP 504 gateway timeout in POST after 15.0s. The slow span behind it: work (backend) ran 14.9s.',
    });
  });

  it('escapes DEL, C1 and bidi controls as \\uXXXX; the data parses back exactly', () => {
    const { trace, analysis } = live([{ name: 'a\u009bb\u202ec\u007f', startMs: 0, endMs: 1 }]);
    const text = renderLiveTraceJson(trace, analysis, []);
    expect(text).toContain('"rootName":"a\\u009bb\\u202ec\\u007f"');
    expect(JSON.parse(text).rootName).toBe('a\u009bb\u202ec\u007f');
  });
});
