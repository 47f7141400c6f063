import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../../src/analysis/analyze-trace.js';
import { renderHtml } from '../../../src/render/html/render-html.js';
import { showReport } from '../../../src/render/show/report.js';
import { artifactsFolder, BROWSER, openReport, useBrowser } from '../../helpers/browser.js';
import { makeTrace, type SpanSpec } from '../../helpers/make-span.js';
import { TREE_OPTIONS } from '../../helpers/show-scenarios.js';

/**
 * A 100,000-span trace stays usable: only the rows in view are in the DOM, however far it is
 * scrolled, and the last span is reached by scrolling and by the keyboard. Two shapes:
 *   wide: root → 100 handlers → 999 calls under each, every 500th failing
 *   deep: a chain, 100,000 levels deep (each span the only child of the one before)
 * How long the first render took (performance.now() in the page, from navigation) and the file's
 * size are written to the artifacts, not asserted: a time belongs to the bench, not to a test.
 */
const SPANS = 100_000;
const FAN_OUT = 100;

function wideSpecs(): SpanSpec[] {
  return Array.from({ length: SPANS }, (_, i): SpanSpec => {
    const id = (i + 1).toString(16);
    if (i === 0)
      return { id, name: 'GET /batch', service: 'gateway', kind: 'server', startMs: 0, endMs: 10_000 };
    if (i <= FAN_OUT)
      return {
        id,
        parent: '1',
        name: `shard ${i}`,
        service: `service-${i % 10}`,
        startMs: i,
        endMs: 9_000 + i,
      };
    const parent = (1 + ((i - FAN_OUT - 1) % FAN_OUT) + 1).toString(16);
    return {
      id,
      parent,
      name: `step ${i % 997}`,
      service: `service-${i % 10}`,
      startMs: 100 + (i % 8_000),
      endMs: 101 + (i % 8_000) + (i % 7),
      attributes: { 'code.function': `step${i % 97}`, 'thread.name': 'main' },
      ...(i % 500 === 0 ? { status: { code: 'error' as const, message: `step ${i} failed` } } : {}),
    };
  });
}

function deepSpecs(): SpanSpec[] {
  return Array.from(
    { length: SPANS },
    (_, i): SpanSpec => ({
      id: (i + 1).toString(16),
      ...(i === 0 ? {} : { parent: i.toString(16) }),
      name: `level ${i}`,
      service: `service-${Math.floor(i / 1000) % 10}`,
      startMs: i / 1000,
      endMs: 200 - i / 1000,
    }),
  );
}

const { style: _style, width: _width, ...textOptions } = TREE_OPTIONS;
const folder = mkdtempSync(join(tmpdir(), 'otrace-large-html-'));

/** The report's file, and the name of the span drawn last (the last in tree order). */
function writeLargeReport(name: string, specs: SpanSpec[]): { path: string; last: string } {
  const view = analyzeTrace(makeTrace(specs), { limits: [] });
  const report = showReport(view, textOptions);
  const path = join(folder, `${name}.html`);
  writeFileSync(
    path,
    renderHtml({
      ...report,
      drawing: { traces: [{ view, perfFindings: [] }], documentTables: false, notes: [] },
    }),
  );
  return { path, last: view.tree.nodes.at(-1)!.span.name };
}

/** The row elements in the DOM after scrolling to each of `stops` places, top to bottom. */
const ROWS_WHILE_SCROLLING = `(async (stops) => {
  const scroll = document.querySelector('.wf-scroll');
  const counts = [];
  for (let i = 0; i <= stops; i++) {
    scroll.scrollTop = (scroll.scrollHeight - scroll.clientHeight) * i / stops;
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    counts.push(document.querySelectorAll('.wf-canvas .row').length);
  }
  return counts;
})(40)`;

describe.skipIf(!BROWSER.ready)('a 100,000-span trace in the browser', () => {
  const browser = useBrowser();

  it.each([
    ['wide', wideSpecs],
    ['deep', deepSpecs],
  ] as const)(
    '%s: a bounded number of rows while scrolling, the last span reached',
    async (shape, specs) => {
      const { path, last } = writeLargeReport(shape, specs());
      if (shape === 'deep') expect(last).toBe(`level ${SPANS - 1}`);
      const opened = await openReport(browser(), path, { viewport: { width: 1400, height: 900 } });
      try {
        const { page } = opened;
        expect(opened.pageErrors).toEqual([]);
        const counts = (await page.evaluate(ROWS_WHILE_SCROLLING)) as number[];
        // 72vh of 900 px in 22 px rows, and 10 more above and below: about 50, never thousands.
        expect(Math.min(...counts)).toBeGreaterThan(10);
        expect(Math.max(...counts)).toBeLessThanOrEqual(80);
        await expect(page.locator('.wf-canvas .row .name').last().textContent()).resolves.toBe(last);
        // The keyboard: Home, then End selects the last span and scrolls it into view.
        await page.locator('.row').first().click();
        await page.keyboard.press('Home');
        await expect(page.locator('.row.sel .name').textContent()).resolves.not.toBe(last);
        await page.keyboard.press('End');
        await expect(page.locator('.row.sel .name').textContent()).resolves.toBe(last);
        await expect(page.locator('.wf-canvas .row').count()).resolves.toBeLessThanOrEqual(80);
        const firstRenderMs = Number(await page.evaluate('document.body.dataset.firstRenderMs'));
        expect(firstRenderMs).toBeGreaterThan(0);
        const bytes = statSync(path).size;
        const measured = {
          shape,
          spans: SPANS,
          firstRenderMs,
          bytes,
          bytesPer10kSpans: Math.round(bytes / 10),
        };
        writeFileSync(join(artifactsFolder(), `large-trace-${shape}.json`), `${JSON.stringify(measured)}\n`);
        await page.screenshot({ path: join(artifactsFolder(), `large-trace-${shape}.png`) });
        console.log(
          `html report, ${shape} trace of ${SPANS} spans: ${bytes} bytes, first render ${firstRenderMs} ms`,
        );
      } finally {
        await opened.close();
      }
    },
    180_000,
  );
});
