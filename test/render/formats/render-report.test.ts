import { describe, expect, it } from 'vitest';
import { renderGithub } from '../../../src/render/formats/github.js';
import { renderJunit } from '../../../src/render/formats/junit.js';
import { renderMarkdown } from '../../../src/render/formats/markdown.js';
import { loadRenderer, renderReport } from '../../../src/render/formats/render-report.js';
import { REPORT_FORMATS } from '../../../src/render/report.js';
import { createStyle, PLAIN_STYLE, type Style } from '../../../src/render/style.js';
import { FAILED_ERROR, PASSED, reportOf } from '../../helpers/report.js';

const report = reportOf([FAILED_ERROR, PASSED], {
  json: { schemaVersion: 1, name: 'a\u009bb\u202ec', n: 2 },
  items: [{ id: 1 }, { id: 2, name: 'x\u007f' }],
  text: (style: Style, width: number) => `${style.bold('text')} at ${width}\n`,
});

describe('renderReport', () => {
  it('text: the report’s own text, with the style and width given', () => {
    expect(renderReport(report, 'text', PLAIN_STYLE, 72)).toBe('text at 72\n');
    expect(renderReport(report, 'text', createStyle(true), 72)).toBe('\u001b[1mtext\u001b[22m at 72\n');
  });

  it('json: the document, indented, controls JSON leaves raw escaped', () => {
    const out = renderReport(report, 'json', PLAIN_STYLE, 80);
    expect(out).toBe('{\n  "schemaVersion": 1,\n  "name": "a\\u009bb\\u202ec",\n  "n": 2\n}\n');
    expect(JSON.parse(out)).toEqual(report.json);
  });

  it('ndjson: one line per item', () => {
    expect(renderReport(report, 'ndjson', PLAIN_STYLE, 80)).toBe('{"id":1}\n{"id":2,"name":"x\\u007f"}\n');
    expect(renderReport({ ...report, items: [] }, 'ndjson', PLAIN_STYLE, 80)).toBe('');
  });

  it('the CI formats come from the checks', () => {
    expect(renderReport(report, 'markdown', PLAIN_STYLE, 80)).toBe(renderMarkdown(report));
    expect(renderReport(report, 'junit', PLAIN_STYLE, 80)).toBe(renderJunit(report));
    expect(renderReport(report, 'github', PLAIN_STYLE, 80)).toBe(renderGithub(report));
  });

  it('every format --format offers renders, and ends with a newline', async () => {
    expect(REPORT_FORMATS).toEqual(['text', 'json', 'ndjson', 'markdown', 'junit', 'github', 'html']);
    for (const format of REPORT_FORMATS)
      expect((await loadRenderer(format))(report, PLAIN_STYLE, 80)).toMatch(/\n$/);
  });
});
