import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ShowDocumentSchema } from '../../../src/render/contracts/show.js';
import { artifactsFolder, BROWSER, openReport, useBrowser } from '../../helpers/browser.js';
import { loadFile } from '../../helpers/load-file.js';
import { REPO_ROOT, runCli } from '../../helpers/run-cli.js';
import { seedFile } from '../../helpers/seed.js';
import { writeHtmlReport } from './html-report.js';

/**
 * `otrace show --output report.html` on the seed's order-service-down (a refused connection, real
 * SDK spans), opened in Chromium: the waterfall, a failed span's details, the keyboard, the search,
 * and a page that asks the network for nothing and runs no script but its own.
 *
 *   GET ✗ ─ get_user_profile ✗ ─┬─ get_user_data
 *                               └─ get_user_orders ✗ ─ GET ✗ ◀ origin (ECONNREFUSED)
 */
const SCENARIO = seedFile('order-service-down');

describe.skipIf(!BROWSER.ready)('the show report in a browser', () => {
  const browser = useBrowser();

  async function openShow() {
    const report = await writeHtmlReport(['show', SCENARIO]);
    expect(report.code).toBe(1);
    const opened = await openReport(browser(), report.path);
    return { ...opened, report };
  }

  it('draws every span with the text view’s markers, and asks the network for nothing', async () => {
    const { page, requests, dialogs, pageErrors, consoleErrors, report, close } = await openShow();
    try {
      const json = ShowDocumentSchema.parse(
        JSON.parse((await runCli(['show', SCENARIO, '--format', 'json'])).stdout),
      );
      await expect(page.locator('.row').count()).resolves.toBe(json.spans.length);
      const failed = json.spans.filter((s) => s.markers.includes('error')).length;
      await expect(page.locator('.row.failed').count()).resolves.toBe(failed);
      const text = (await runCli(['show', SCENARIO])).stdout;
      const originLine = text.split('\n').find((l) => l.includes('◀ origin'))!;
      const originRow = page.locator('.row', { hasText: '◀ origin' });
      await expect(originRow.count()).resolves.toBe(1);
      for (const mark of await originRow.locator('.mark').allTextContents())
        expect(originLine).toContain(mark);
      // The critical path: starred durations and drawn sections.
      await expect(page.locator('.dur.critical').count()).resolves.toBeGreaterThan(0);
      expect(requests).toEqual([pathToFileURL(report.path).href]);
      expect(dialogs).toEqual([]);
      expect(pageErrors).toEqual([]);
      expect(consoleErrors).toEqual([]);
      await page.screenshot({ path: join(artifactsFolder(), 'show-order-service-down.png') });
    } finally {
      await close();
    }
  });

  it('opens a failed span’s details on a click: the exception’s type, message and stack, its attributes', async () => {
    const { page, close } = await openShow();
    try {
      const json = ShowDocumentSchema.parse(
        JSON.parse((await runCli(['show', SCENARIO, '--format', 'json'])).stdout),
      );
      const origin = json.spans.find((s) => s.markers.includes('error-origin'))!;
      await page.locator('.row', { hasText: '◀ origin' }).click();
      const panel = page.locator('aside.details');
      await expect(panel.isVisible()).resolves.toBe(true);
      await expect(panel.locator('dd.mono').first().textContent()).resolves.toBe(origin.spanId);
      const exception = origin.exceptions[0]!;
      await expect(panel.locator('.exception-type').first().textContent()).resolves.toBe(exception.type);
      await expect(panel.locator('.exception-message').first().textContent()).resolves.toBe(
        `: ${exception.message}`,
      );
      await expect(panel.locator('pre.stack').first().textContent()).resolves.toContain(
        exception.stacktrace.split('\n')[1]!.trim(),
      );
      const attributes = await panel.locator('table.attrs th').allTextContents();
      expect(attributes).toContain('http.request.method');
      expect(attributes).toContain('service.name');
      await page.keyboard.press('Escape');
      await expect(panel.isVisible()).resolves.toBe(false);
    } finally {
      await close();
    }
  });

  it('moves with the arrows, folds with Left, Right and Enter, and focuses the search with /', async () => {
    const { page, close } = await openShow();
    const selected = () => page.locator('.row.sel .name').textContent();
    try {
      const rows = await page.locator('.row').count();
      await expect(selected()).resolves.toBe('GET');
      await page.keyboard.press('ArrowDown');
      await expect(selected()).resolves.toBe('get_user_profile');
      await page.keyboard.press('ArrowLeft');
      // Folded: only the root and its child remain, the child shows how many it hides.
      await expect(page.locator('.row').count()).resolves.toBe(2);
      await expect(page.locator('.row.sel').textContent()).resolves.toContain(`+${rows - 2}`);
      await page.keyboard.press('ArrowRight');
      await expect(page.locator('.row').count()).resolves.toBe(rows);
      // Left folds an open span, then moves to its parent; Enter folds and unfolds (the child stays folded).
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await expect(selected()).resolves.toBe('GET');
      await page.keyboard.press('Enter');
      await expect(page.locator('.row').count()).resolves.toBe(1);
      await page.keyboard.press('Enter');
      await expect(page.locator('.row').count()).resolves.toBe(2);
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await expect(page.locator('.row').count()).resolves.toBe(rows);
      await page.keyboard.press('End');
      await page.keyboard.press(' ');
      await expect(page.locator('aside.details h3').textContent()).resolves.toBe('GET');
      await page.keyboard.press('/');
      await expect(page.evaluate('document.activeElement.className')).resolves.toBe('search');
    } finally {
      await close();
    }
  });

  it('finds spans by name, service and attribute, and shows only the matches with their ancestors', async () => {
    const { page, close } = await openShow();
    try {
      const search = page.locator('input.search');
      await search.fill('get_user_data');
      await search.press('Enter');
      await expect(page.locator('.row.match').count()).resolves.toBe(1);
      await expect(page.locator('.count').textContent()).resolves.toBe('1 match');
      await expect(page.locator('.row.sel .name').textContent()).resolves.toBe('get_user_data');
      await page.locator('label.only input').check();
      // get_user_data under get_user_profile under GET.
      await expect(page.locator('.row .name').allTextContents()).resolves.toEqual([
        'GET',
        'get_user_profile',
        'get_user_data',
      ]);
      // An attribute, key=value, as the data holds it: the spans that carry it.
      const { spans } = await loadFile(pathToFileURL(join(REPO_ROOT, SCENARIO)));
      const withMethod = spans.filter((s) => s.attributes['http.request.method'] === 'GET').length;
      await search.fill('http.request.method=get');
      await search.press('Enter');
      await expect(page.locator('.row.match').count()).resolves.toBe(withMethod);
      await search.fill('no such span anywhere');
      await search.press('Enter');
      await expect(page.locator('.row').count()).resolves.toBe(0);
    } finally {
      await close();
    }
  });

  it('runs no inline script but its own: one added to the file is refused by the policy', async () => {
    const report = await writeHtmlReport(['show', SCENARIO]);
    const tampered = report.path.replace(/\.html$/, '-tampered.html');
    writeFileSync(
      tampered,
      readFileSync(report.path, 'utf8').replace(
        '<body>',
        '<body><script>document.title = "injected"</script>',
      ),
    );
    const opened = await openReport(browser(), tampered);
    try {
      await expect(opened.page.title()).resolves.not.toBe('injected');
      expect(opened.consoleErrors.join('\n')).toContain('Content Security Policy');
      // The page's own script still ran.
      await expect(opened.page.locator('.row').count()).resolves.toBeGreaterThan(0);
    } finally {
      await opened.close();
    }
    // And its own script, changed by one character, no longer matches its hash: nothing runs.
    const changed = report.path.replace(/\.html$/, '-changed.html');
    writeFileSync(changed, readFileSync(report.path, 'utf8').replace("'use strict';", "'use strict'; "));
    const refused = await openReport(browser(), changed, { waitForRender: false });
    try {
      await expect(refused.page.locator('.row').count()).resolves.toBe(0);
      expect(refused.consoleErrors.join('\n')).toContain('Content Security Policy');
    } finally {
      await refused.close();
    }
  });
});
