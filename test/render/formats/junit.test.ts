import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../../src/render/formats/junit.js';
import { LINE_LIMIT } from '../../../src/render/quote.js';
import { FAILED_ERROR, FAILED_WARNING, PASSED, reportOf, TRACE_ID } from '../../helpers/report.js';

const parse = (xml: string) =>
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', trimValues: false }).parse(xml);

describe('renderJunit', () => {
  it('one suite per report, one case per check; a failed check holds its message, trace and details', () => {
    expect(renderJunit(reportOf([FAILED_ERROR, PASSED])).split('\n')).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<testsuites name="otrace" tests="2" failures="1">',
      '  <testsuite name="otrace show" tests="2" failures="1" errors="0" skipped="0">',
      '    <testcase classname="otrace show" name="GET (user-service)">',
      `      <failure type="error" message="user-service → order-service failed: HTTP 502">user-service → order-service failed: HTTP 502`,
      `trace ${TRACE_ID}`,
      `trace ${TRACE_ID} span 00f067aa0ba902b7: HTTP 502`,
      'second line</failure>',
      '    </testcase>',
      '    <testcase classname="otrace show" name="web → user-service"/>',
      '  </testsuite>',
      '</testsuites>',
      '',
    ]);
  });

  it('a failure without trace or details holds the message alone; its type is the severity', () => {
    const doc = parse(renderJunit(reportOf([FAILED_WARNING])));
    expect(doc.testsuites.testsuite.testcase.failure).toEqual({
      type: 'warning',
      message: FAILED_WARNING.message,
      '#text': FAILED_WARNING.message,
    });
  });

  it('no checks: an empty suite', () => {
    const doc = parse(renderJunit(reportOf([])));
    expect(doc.testsuites).toMatchObject({ name: 'otrace', tests: '0', failures: '0' });
    expect(doc.testsuites.testsuite).toMatchObject({ name: 'otrace show', tests: '0', failures: '0' });
  });

  it('escapes controls as the text formats do, then XML in attributes and text', () => {
    const xml = renderJunit(
      reportOf([
        { ...FAILED_WARNING, name: '<a & "b">', message: 'x < y\u0000z\u001b\u009b', details: ']]> & <' },
      ]),
    );
    expect(xml).toContain('name="&lt;a &amp; &quot;b&quot;&gt;"');
    expect(xml).toContain('message="x &lt; y\\u{00}z\\u{1b}\\u{9b}"');
    expect(xml).toContain('>x &lt; y\\u{00}z\\u{1b}\\u{9b}\n]]&gt; &amp; &lt;</failure>');
    const doc = parse(xml);
    expect(doc.testsuites.testsuite.testcase.name).toBe('<a & "b">');
    expect(doc.testsuites.testsuite.testcase.failure.message).toBe('x < y\\u{00}z\\u{1b}\\u{9b}');
  });

  it('escapes every string itself, whoever built the report: bidi controls and C1 too', () => {
    const xml = renderJunit(
      reportOf(
        [{ ...FAILED_ERROR, name: 'n\u202e', traceId: 't\u0085', details: 'd\u2066\r\nsecond\u200b' }],
        {
          command: 'c\u001b',
        },
      ),
    );
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u202a-\u202e\u2066-\u2069]/);
    expect(xml).toContain('<testcase classname="c\\u{1b}" name="n\\u{202e}">');
    expect(xml).toContain('trace t\\u{85}\nd\\u{2066}\nsecond\\u{200b}</failure>');
  });

  it('keeps line breaks between the details’ lines and characters beyond the BMP; a tab shows as \\t', () => {
    const xml = renderJunit(reportOf([{ ...FAILED_WARNING, message: 'a\tb 🚚', details: 'one\n\nthree' }]));
    expect(xml).toContain('message="a\\tb 🚚">a\\tb 🚚\none\n\nthree</failure>');
  });

  it('a lone surrogate becomes U+FFFD', () => {
    const xml = renderJunit(reportOf([{ ...FAILED_WARNING, message: 'a\uD800b' }]));
    expect(xml).toContain('message="a\uFFFDb"');
  });

  it('cuts a line past LINE_LIMIT, with the marker', () => {
    const xml = renderJunit(reportOf([{ ...FAILED_WARNING, message: 'x'.repeat(LINE_LIMIT + 5) }]));
    expect(xml).toContain(`message="${'x'.repeat(LINE_LIMIT)}…(+5 chars)"`);
    expect(xml.length).toBeLessThan(3 * LINE_LIMIT);
  });
});
