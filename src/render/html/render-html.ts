import { createHash } from 'node:crypto';
import type { Report } from '../report.js';
import { PAGE_SCRIPT } from './page/page-script.js';
import { PAGE_STYLES } from './page/styles.js';
import { buildPageData } from './page-data.js';
import { NOSCRIPT_TEXT } from './words.js';

/**
 * A report as one self-contained HTML page: its data embedded once as JSON, one inline script that
 * builds the page from it, one inline style; nothing loaded from anywhere (no font, no script, no
 * request: `default-src 'none'`). The policy allows the script and the style by their SHA-256
 * alone, so a script that span data managed to put in the page would not run either.
 */
export function renderHtml(report: Report): string {
  const page = buildPageData(report);
  const data = embedJson(page);
  const policy = [
    "default-src 'none'",
    `script-src '${sha256(PAGE_SCRIPT)}'`,
    `style-src '${sha256(PAGE_STYLES)}'`,
    // The icon below: without one the browser asks the server for /favicon.ico.
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${policy}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<link rel="icon" href="data:,">',
    `<title>${escapeText(`${page.command}: ${page.title}`)}</title>`,
    `<style>${PAGE_STYLES}</style>`,
    '</head>',
    '<body>',
    `<noscript>${escapeText(NOSCRIPT_TEXT)}</noscript>`,
    '<div id="app"></div>',
    `<script type="application/json" id="otrace-data">${data}</script>`,
    `<script>${PAGE_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** The CSP source of an inline block: the hash of its text as the browser reads it (UTF-8). */
function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

/**
 * JSON inside `<script type="application/json">`: `<`, `>` and `&` as \u escapes, so that no
 * string can close the element (`</script>`) or open a comment (`<!--`) that changes how the rest is
 * parsed, and U+2028/2029 escaped as everywhere else; JSON.parse reads them back exactly.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Text inside an element (the title): the markup characters as references. */
function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
