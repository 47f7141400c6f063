import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { artifactsFolder, BROWSER, openReport, useBrowser } from '../../helpers/browser.js';
import { SEED_SCENARIOS, seedFile } from '../../helpers/seed.js';
import { writeHtmlReport } from './html-report.js';

/**
 * Reports over many traces in the browser: their tables link each group, finding or piece of
 * evidence to its trace, drawn in the same page; a link that names a span opens it.
 */
/** Waits until the visible waterfall is the given trace's; fails the test after 5 s. */
async function shownTrace(page: Page, traceId: string): Promise<void> {
  await page
    .locator('section.waterfall:visible .trace-head .mono', { hasText: traceId })
    .waitFor({ state: 'visible', timeout: 5_000 });
}

const SEED = SEED_SCENARIOS.map((s) => seedFile(s, 'otlp.jsonl'));

describe.skipIf(!BROWSER.ready)('reports over many traces in a browser', () => {
  const browser = useBrowser();

  it('assert: a rule’s evidence opens its span in its trace', async () => {
    const report = await writeHtmlReport(['assert', ...SEED, '--rules', 'examples/ci/otrace.rules.yaml']);
    const opened = await openReport(browser(), report.path);
    const { page } = opened;
    try {
      const link = page.locator('table.doc a[href*="/"]').first();
      const href = (await link.getAttribute('href'))!;
      const [, traceId, spanId] = /^#trace-([0-9a-f]{32})\/([0-9a-f]{16})$/.exec(href)!;
      await link.click();
      // The page follows the link on 'hashchange', a task of its own after the click: wait for it.
      await shownTrace(page, traceId!);
      const shown = page.locator('section.waterfall:visible');
      await expect(shown.count()).resolves.toBe(1);
      await expect(shown.locator('.trace-head .mono').textContent()).resolves.toContain(traceId);
      await expect(page.locator('aside.details:visible dd.mono').first().textContent()).resolves.toBe(spanId);
      await expect(shown.locator('.row.sel').count()).resolves.toBe(1);
      // Following a link within the page asks for nothing.
      expect(opened.requests).toEqual([pathToFileURL(report.path).href]);
      expect(opened.pageErrors).toEqual([]);
    } finally {
      await opened.close();
    }
  });

  it('errors: each group’s example shows its trace, one waterfall at a time', async () => {
    const report = await writeHtmlReport(['errors', ...SEED]);
    const opened = await openReport(browser(), report.path);
    const { page } = opened;
    try {
      const drawn = report.data.traces.map((t) => t.id);
      expect(drawn.length).toBeGreaterThan(1);
      for (const id of [drawn[1]!, drawn[0]!]) {
        await page.locator(`table.doc a[href="#trace-${id}"]`).first().click();
        await shownTrace(page, id);
        await expect(page.locator('section.waterfall:visible').count()).resolves.toBe(1);
      }
      await page.screenshot({ path: `${artifactsFolder()}/errors-report.png`, fullPage: true });
      expect(opened.pageErrors).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});
