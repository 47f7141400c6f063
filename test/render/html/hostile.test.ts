import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BROWSER, type OpenedReport, openReport, useBrowser } from '../../helpers/browser.js';
import { otlpDocument } from '../../helpers/otlp-doc.js';
import { tempFile } from '../../helpers/run-cli.js';
import { writeHtmlReport } from './html-report.js';

/**
 * Span data is untrusted: names, services, attributes, exception messages and stacks made to break
 * out of the page (close the data's script element, add an element with a handler, a `javascript:`
 * URL, a line separator that ends a JavaScript string in old parsers, a bidi override that makes
 * text read backwards). In the browser none of it runs, asks for anything or becomes markup: it is
 * all text, escaped as the text formats escape it.
 *
 *   </script><script>… (svc "><svg onload=…>) ✗   url.full=javascript:…
 *   └─ <img src=x onerror=…> ‮gnp.exe (svc …) ✗ ◀ origin, exception <script>…</script>
 */
const PAYLOAD = (n: number) => `window.__pwned=${n};alert(${n})`;
const SCRIPT_NAME = `</script><script>${PAYLOAD(1)}</script><!--`;
const IMG_NAME = `<img src=x onerror="${PAYLOAD(2)}"> \u202egnp.exe \u2028 end`;
const SERVICE = `"><svg onload="${PAYLOAD(3)}">`;

const file = tempFile(
  'hostile.otlp.json',
  JSON.stringify(
    otlpDocument([
      {
        id: 1,
        name: SCRIPT_NAME,
        service: SERVICE,
        kind: 2,
        startMs: 0,
        endMs: 20,
        status: { code: 2, message: `<b onmouseover="${PAYLOAD(4)}">bold</b>` },
        attributes: {
          'url.full': `javascript:${PAYLOAD(5)}`,
          '<i onclick="x">key</i>': `\u2029${PAYLOAD(6)}`,
          'http.response.status_code': 500,
        },
      },
      {
        id: 2,
        parent: 1,
        name: IMG_NAME,
        service: SERVICE,
        startMs: 2,
        endMs: 15,
        status: { code: 2 },
        exception: {
          type: `<iframe src="javascript:${PAYLOAD(7)}">`,
          message: `</textarea><script>${PAYLOAD(8)}</script>`,
          stacktrace: `at <a href="javascript:${PAYLOAD(9)}">f</a>\nat \u202e g`,
        },
      },
    ]),
  ),
);

async function expectHarmless(opened: OpenedReport, path: string): Promise<void> {
  const { page } = opened;
  expect(opened.dialogs).toEqual([]);
  expect(opened.pageErrors).toEqual([]);
  expect(opened.requests).toEqual([pathToFileURL(path).href]);
  await expect(page.evaluate('typeof window.__pwned')).resolves.toBe('undefined');
  await expect(page.locator('img, svg, iframe, object, embed, b, i, textarea').count()).resolves.toBe(0);
  await expect(page.locator('script').count()).resolves.toBe(2);
  const hrefs = (await page.evaluate(
    "[...document.querySelectorAll('a')].map((a) => a.getAttribute('href'))",
  )) as string[];
  for (const href of hrefs) expect(href).toMatch(/^#trace-[0-9a-f]{32}(\/[0-9a-f]{16})?$/);
}

describe.skipIf(!BROWSER.ready)('hostile span data in the html report', () => {
  const browser = useBrowser();

  it('show: every name, attribute and exception is text; nothing runs, loads or opens', async () => {
    const report = await writeHtmlReport(['show', file]);
    const opened = await openReport(browser(), report.path);
    try {
      await expectHarmless(opened, report.path);
      const { page } = opened;
      await expect(page.locator('.row .name').allTextContents()).resolves.toEqual([
        SCRIPT_NAME,
        '<img src=x onerror="window.__pwned=2;alert(2)"> \\u{202e}gnp.exe \\u{2028} end',
      ]);
      await expect(page.locator('.row .svc').first().textContent()).resolves.toBe(` (${SERVICE})`);
      await page.locator('.row').first().click();
      const attributes = page.locator('aside.details table.attrs');
      await expect(attributes.first().textContent()).resolves.toContain(`javascript:${PAYLOAD(5)}`);
      await expect(attributes.first().textContent()).resolves.toContain(`\\u{2029}${PAYLOAD(6)}`);
      await page.locator('.row').nth(1).click();
      await expect(page.locator('aside.details .exception-type').textContent()).resolves.toBe(
        `<iframe src="javascript:${PAYLOAD(7)}">`,
      );
      await expect(page.locator('aside.details pre.stack').textContent()).resolves.toBe(
        `at <a href="javascript:${PAYLOAD(9)}">f</a>\nat \\u{202e} g`,
      );
      await expect(page.locator('aside.details a').count()).resolves.toBe(0);
      // Searching for the markup finds it as text.
      await page.locator('input.search').fill('<img src=x');
      await page.locator('input.search').press('Enter');
      await expect(page.locator('.row.match').count()).resolves.toBe(1);
      await expectHarmless(opened, report.path);
    } finally {
      await opened.close();
    }
  });

  it('errors: the tables and the drawn example trace hold the same data as text', async () => {
    const report = await writeHtmlReport(['errors', file]);
    expect(report.data.traces).toHaveLength(1);
    const opened = await openReport(browser(), report.path);
    try {
      await expectHarmless(opened, report.path);
      const tables = await opened.page.locator('table.doc').allTextContents();
      expect(tables.join('\n')).toContain(`<iframe src="javascript:${PAYLOAD(7)}">`);
      await expect(opened.page.locator('.waterfall .row').count()).resolves.toBe(2);
    } finally {
      await opened.close();
    }
  });
});
