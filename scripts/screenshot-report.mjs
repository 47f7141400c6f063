// Writes docs/show-report.png, the README's picture of `otrace show --format html`: the seed's
// order-service-slow (user-service gives up on order-service after 5 s, whose query runs on to
// 6 s), with the span that timed out first opened. Run after a build, where Debian's chromium is
// installed: node scripts/screenshot-report.mjs [out.png] [scenario]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = process.argv[2] ?? join(root, 'docs', 'show-report.png');
const scenario = process.argv[3] ?? 'order-service-slow';
const folder = mkdtempSync(join(tmpdir(), 'otrace-screenshot-'));
const page = join(folder, 'show.html');

try {
  const run = spawnSync(
    process.execPath,
    [
      join(root, 'bin', 'otrace.js'),
      'show',
      join(root, 'fixtures', 'seed', `${scenario}.otlp.json`),
      '--output',
      page,
    ],
    { encoding: 'utf8' },
  );
  // 1: the trace failed, which is the point of the picture.
  if (run.status !== 0 && run.status !== 1) throw new Error(`otrace show failed: ${run.stderr}`);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-gpu'],
  });
  try {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 820 }, deviceScaleFactor: 1 });
    await tab.goto(pathToFileURL(page).href);
    await tab.waitForFunction('document.body.dataset.firstRenderMs !== undefined');
    await tab.locator('.row', { hasText: '◀ origin' }).first().click();
    await tab.screenshot({ path: out });
  } finally {
    await browser.close();
  }
  process.stdout.write(`${out}\n`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
