import { describe, expect, expectTypeOf, it } from 'vitest';
import type { TraceAnalysis } from '../../../src/analysis/analyze-trace.js';
import { buildShowDocument } from '../../../src/render/show/json.js';
import { showReport } from '../../../src/render/show/report.js';
import { renderShowText } from '../../../src/render/show/text.js';
import type { AnalysisView } from '../../../src/render/show/view.js';
import { PLAIN_STYLE } from '../../../src/render/style.js';
import { analyse, REFUSED, TREE_OPTIONS } from '../../helpers/show-scenarios.js';

/**
 * view.ts is a type: the parts of an analysis the show renderers read. What can be checked is that
 * it names exactly those parts, and that the renderers need nothing else.
 */
const VIEW_KEYS = [
  'tree',
  'facts',
  'selfTimes',
  'onCriticalPath',
  'findings',
  'diagnosis',
  'criticalPath',
  'criticalTimes',
  'criticalSubtreeTimes',
] as const;

/** Only the view's parts of an analysis; reading anything else throws. */
function strictView(analysis: TraceAnalysis): AnalysisView {
  const picked = Object.fromEntries(VIEW_KEYS.map((k) => [k, analysis[k]])) as unknown as AnalysisView;
  return new Proxy(picked, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !(VIEW_KEYS as readonly string[]).includes(key))
        throw new Error(`a renderer read ${key}, which AnalysisView does not name`);
      return Reflect.get(target, key, receiver);
    },
  });
}

describe('AnalysisView', () => {
  it('is the listed parts of a TraceAnalysis, which satisfies it', () => {
    expectTypeOf<keyof AnalysisView>().toEqualTypeOf<(typeof VIEW_KEYS)[number]>();
    expectTypeOf<TraceAnalysis>().toExtend<AnalysisView>();
    expectTypeOf<AnalysisView['tree']>().toEqualTypeOf<TraceAnalysis['tree']>();
    // every key listed is a key of the analysis
    const analysis = analyse(REFUSED);
    for (const key of VIEW_KEYS) expect(analysis).toHaveProperty(key);
  });

  it('is all the show renderers read: they give the same output from the view alone', () => {
    const analysis = analyse(REFUSED);
    const view = strictView(analysis);
    const options = { ...TREE_OPTIONS, stack: true, timeline: true };
    expect(renderShowText(view, options)).toBe(renderShowText(analysis, options));
    expect(buildShowDocument(view)).toEqual(buildShowDocument(analysis));
    const { style: _style, width: _width, ...textOptions } = options;
    const fromView = showReport(view, textOptions);
    const fromAnalysis = showReport(analysis, textOptions);
    expect(fromView.text(PLAIN_STYLE, 100)).toBe(fromAnalysis.text(PLAIN_STYLE, 100));
    expect(fromView.checks).toEqual(fromAnalysis.checks);
  });

  it('the strict view does catch a read of something else', () => {
    const view = strictView(analyse(REFUSED)) as unknown as Record<string, unknown>;
    expect(() => view.somethingElse).toThrow(
      'a renderer read somethingElse, which AnalysisView does not name',
    );
  });
});
