// The page `show --format html` writes, opened in Debian's Chromium through playwright-core as
// test/render/html/ opens it (no browser is ever downloaded). Measured per page:
//   first render: the page's own number, performance.now() (from navigation) at the first frame
//                 after it drew, which it sets on the body as data-first-render-ms; median of the runs
//   rows:         the row elements of the waterfall in the DOM after scrolling to the middle and to
//                 the end, the most of the runs: only the rows in view should be there, whatever
//                 the number of spans
//   size:         the file, in MB and in MB per 10,000 spans
import { existsSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Why the pages cannot be opened here, or undefined when they can. */
export function whyNoBrowser() {
  return existsSync(CHROMIUM_PATH) ? undefined : `${CHROMIUM_PATH} is not installed`;
}

// A page of 100,000 spans is tens of MB; on a loaded machine it may take a while to parse.
const PAGE_TIMEOUT_MS = 120_000;

/** Scrolls the waterfall to each place (0 top, 1 end) and counts its rows once two frames have passed. */
const ROWS_AT = `(async (places) => {
  const scroll = document.querySelector('.wf-scroll');
  const counts = [];
  for (const place of places) {
    scroll.scrollTop = (scroll.scrollHeight - scroll.clientHeight) * place;
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    counts.push(document.querySelectorAll('.wf-canvas .row').length);
  }
  return counts;
})([0.5, 1])`;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Opens each of `pages` ({key, path, spans}) `runs` times, round-robin as the rest of the bench
 * runs, each time in a fresh context of one headless Chromium, closed whatever happens.
 * Returns {key: {firstRenderMs, rows: {middle, end}, mb, mbPer10kSpans}}.
 */
export async function measureHtmlPages(pages, runs) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Root cannot use Chromium's sandbox; /dev/shm may be small in a container.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-dev-shm-usage', '--disable-gpu'],
  });
  try {
    const opened = new Map(pages.map((p) => [p.key, []]));
    for (let i = 0; i < runs; i++)
      for (const p of pages) {
        process.stderr.write(`opening ${p.path} in chromium (${i + 1}/${runs})\n`);
        opened.get(p.key).push(await openOnce(browser, p.path));
      }
    return Object.fromEntries(
      pages.map((p) => {
        const runsOf = opened.get(p.key);
        const mb = statSync(p.path).size / 1e6;
        return [
          p.key,
          {
            firstRenderMs: median(runsOf.map((r) => r.firstRenderMs)),
            rows: {
              middle: Math.max(...runsOf.map((r) => r.rows[0])),
              end: Math.max(...runsOf.map((r) => r.rows[1])),
            },
            mb,
            mbPer10kSpans: mb / (p.spans / 10_000),
          },
        ];
      }),
    );
  } finally {
    await browser.close();
  }
}

/** One opening of a page: its first render and the rows in the DOM at the middle and the end. */
async function openOnce(browser, path) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pathToFileURL(path).href, { timeout: PAGE_TIMEOUT_MS });
    try {
      await page.waitForFunction('document.body.dataset.firstRenderMs !== undefined', undefined, {
        timeout: PAGE_TIMEOUT_MS,
      });
    } catch (error) {
      throw new Error(`${path}: the page did not render (${errors[0] ?? error.message})`);
    }
    if (errors.length > 0) throw new Error(`${path}: the page threw ${errors[0]}`);
    const firstRenderMs = Number(await page.evaluate('document.body.dataset.firstRenderMs'));
    const rows = await page.evaluate(ROWS_AT);
    return { firstRenderMs, rows };
  } finally {
    await context.close();
  }
}

/** A row of the bench's table of pages. */
export function pageRow(input, measured) {
  return {
    input,
    'first render (s)': (measured.firstRenderMs / 1000).toFixed(3),
    'DOM rows, middle': measured.rows.middle,
    'DOM rows, end': measured.rows.end,
    'file (MB)': measured.mb.toFixed(1),
    'MB / 10k spans': measured.mbPer10kSpans.toFixed(2),
  };
}
