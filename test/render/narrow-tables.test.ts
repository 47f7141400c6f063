import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analysis/analyze-trace.js';
import { renderErrorsText } from '../../src/render/errors/text.js';
import { renderListText } from '../../src/render/list/text.js';
import { renderLiveTrace } from '../../src/render/receive/live-trace.js';
import { renderShowText } from '../../src/render/show/text.js';
import { createStyle, PLAIN_STYLE } from '../../src/render/style.js';
import { loadTextWidths } from '../../src/render/width.js';
import { errorGroup, errorReport } from '../helpers/error-report.js';
import { makeTrace, type SpanSpec } from '../helpers/make-span.js';
import { FINDINGS } from '../helpers/propagation-report.js';
import { TREE_OPTIONS } from '../helpers/show-scenarios.js';
import { traceSummary } from '../helpers/trace-summary.js';

/**
 * Columns cut to the terminal's width cut span data that holds escapes: sanitize's (`\u{202e}`,
 * eight characters) and, with colour on, otrace's own SGR codes. At every width, whatever falls at
 * the cut, each escape is printed whole or not at all.
 */

/** Bidi, ESC and line breaks between letters: a cut lands inside an escape at most widths. */
const HOSTILE = 'a\u202eb\u001b[2Jc\u2066d\ne\u0085f\u202ag';
const WIDTHS = Array.from({ length: 60 }, (_, i) => 20 + i);

/** Each place an escape of sanitize's was cut short (`\u{20…`, `\u…`, a lone `\` before the ellipsis). */
const cutEscapes = (text: string): string[] =>
  [...text.matchAll(/\\u(?!\{[0-9a-f]{2,4}\})|\\(?=…)/g)].map((m) =>
    text.slice(Math.max(0, m.index - 6), m.index + 8),
  );

/** Each colour code cut short, or raw control left by one: only whole SGR sequences may hold ESC. */
const cutColourCodes = (text: string): string[] =>
  [...text.replace(/\u001b\[[0-9;]*m/g, '').matchAll(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g)].map(
    (m) => `U+${m[0].codePointAt(0)!.toString(16)} at ${m.index}`,
  );

const COLOUR = createStyle(true);

beforeAll(loadTextWidths);

describe('narrow columns never cut an escape in half', () => {
  it('errors: the where and error columns', () => {
    const report = errorReport({
      groups: [errorGroup({ operation: `GET ${HOSTILE}`, errorType: `E${HOSTILE}`, message: HOSTILE })],
    });
    for (const width of WIDTHS.map((w) => w + 40)) {
      for (const style of [PLAIN_STYLE, COLOUR]) {
        const text = renderErrorsText(report, { style, width, top: 10, failingSpans: 2 });
        expect(cutEscapes(text), `width ${width}`).toEqual([]);
        expect(cutColourCodes(text), `width ${width}`).toEqual([]);
      }
    }
    // The cells were cut at these widths: the test covers cuts, not only whole cells.
    expect(renderErrorsText(report, { style: PLAIN_STYLE, width: 60, top: 10, failingSpans: 2 })).toContain(
      '…',
    );
  });

  it('list: the root column', () => {
    const summaries = [traceSummary({ rootName: HOSTILE, rootService: HOSTILE })];
    for (const width of WIDTHS.map((w) => w + 98)) {
      for (const style of [PLAIN_STYLE, COLOUR]) {
        const text = renderListText(summaries, style, width);
        expect(cutEscapes(text), `width ${width}`).toEqual([]);
        expect(cutColourCodes(text), `width ${width}`).toEqual([]);
      }
    }
    expect(renderListText(summaries, PLAIN_STYLE, 130)).toContain('…');
  });

  it('receive: the verdict and the findings cut to the terminal', () => {
    const specs: SpanSpec[] = [
      {
        id: '1',
        name: HOSTILE,
        service: HOSTILE,
        startMs: 0,
        endMs: 5,
        status: { code: 'error', message: HOSTILE },
      },
    ];
    const trace = makeTrace(specs);
    const analysis = analyzeTrace(trace, { limits: [] });
    const finding = { ...FINDINGS.unanswered, operation: HOSTILE, peerService: HOSTILE };
    for (const width of WIDTHS.map((w) => w + 60)) {
      for (const style of [PLAIN_STYLE, COLOUR]) {
        const text = renderLiveTrace(trace, analysis, [finding], style, width);
        expect(cutEscapes(text), `width ${width}`).toEqual([]);
        expect(cutColourCodes(text), `width ${width}`).toEqual([]);
      }
    }
  });

  it('show --timeline: the labels cut to make room for the bars', () => {
    const specs: SpanSpec[] = [
      { id: '1', name: `root ${HOSTILE}`, service: HOSTILE, startMs: 0, endMs: 10 },
      {
        id: '2',
        parent: '1',
        name: HOSTILE,
        service: 'svc',
        startMs: 1,
        endMs: 9,
        status: { code: 'error', message: HOSTILE },
      },
    ];
    const view = analyzeTrace(makeTrace(specs), { limits: [] });
    for (const width of WIDTHS) {
      for (const style of [PLAIN_STYLE, COLOUR]) {
        const text = renderShowText(view, { ...TREE_OPTIONS, style, width, timeline: true });
        expect(cutEscapes(text), `width ${width}`).toEqual([]);
        expect(cutColourCodes(text), `width ${width}`).toEqual([]);
      }
    }
  });
});
