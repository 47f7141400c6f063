import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/**
 * The browser tests of the html report (test/render/html/) run in Debian's Chromium, driven by
 * playwright-core; no browser is ever downloaded. Where it is not installed they skip, and
 * vitest's global setup says so in one line; with OTRACE_BROWSER=required (.ci/run, which installs
 * it) a missing browser fails the run.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export type BrowserState = { readonly ready: true } | { readonly ready: false; readonly reason: string };

export function browserState(): BrowserState {
  return existsSync(CHROMIUM_PATH)
    ? { ready: true }
    : { ready: false, reason: `${CHROMIUM_PATH} is not installed (apt-get install chromium)` };
}

export const BROWSER = browserState();

/**
 * A headless Chromium for the test file: launched before its tests, closed after them, failed or
 * not (test/each-file-setup.ts fails a file that leaves it running). Returns a getter.
 */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  if (!BROWSER.ready) return () => undefined as never;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      // Root (CI, this machine) cannot use Chromium's sandbox; /dev/shm may be small in a container.
      args: [
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
        '--disable-dev-shm-usage',
        '--disable-gpu',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium did not start');
    return browser;
  };
}

/** A report opened in a page of its own, with everything it asked for and said. */
export interface OpenedReport {
  readonly page: Page;
  /** Every URL the page requested, the report's own included. */
  readonly requests: string[];
  readonly dialogs: string[];
  readonly pageErrors: string[];
  /** Console errors: Chromium reports what the Content-Security-Policy refused there. */
  readonly consoleErrors: string[];
  readonly close: () => Promise<void>;
}

/**
 * Opens a report file (file://) in a fresh context and waits for its first render (the page marks
 * `data-first-render-ms` on the body); `waitForRender: false` for a page expected not to draw.
 * Dialogs are recorded and dismissed: a report must never open one.
 */
export async function openReport(
  browser: Browser,
  path: string,
  options: { viewport?: { width: number; height: number }; waitForRender?: boolean } = {},
): Promise<OpenedReport> {
  const context: BrowserContext = await browser.newContext({
    viewport: options.viewport ?? { width: 1400, height: 900 },
  });
  const page = await context.newPage();
  const opened: OpenedReport = {
    page,
    requests: [],
    dialogs: [],
    pageErrors: [],
    consoleErrors: [],
    close: () => context.close(),
  };
  page.on('request', (request) => opened.requests.push(request.url()));
  page.on('dialog', (dialog) => {
    opened.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => opened.pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') opened.consoleErrors.push(message.text());
  });
  try {
    await page.goto(pathToFileURL(path).href);
    if (options.waitForRender !== false)
      await page.waitForFunction('document.body.dataset.firstRenderMs !== undefined', undefined, {
        timeout: 20_000,
      });
  } catch (error) {
    await context.close();
    throw error;
  }
  return opened;
}

/**
 * Where the browser tests leave what a person may want to look at (screenshots, the first-render
 * time of the large trace): the run's temporary folder (test/global-setup.ts), or
 * OTRACE_ARTIFACTS to keep them past the run.
 */
export function artifactsFolder(): string {
  const folder = process.env.OTRACE_ARTIFACTS ?? join(tmpdir(), 'otrace-artifacts');
  mkdirSync(folder, { recursive: true });
  return folder;
}
