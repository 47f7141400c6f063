import { describe, expect, it } from 'vitest';
import type { Rule, RuleResult } from '../../../src/analysis/assert-rules.js';
import { assertReport, ruleFailed, ruleMessage } from '../../../src/render/assert/report.js';
import { AssertDocumentSchema } from '../../../src/render/contracts/assert.js';
import { createStyle, PLAIN_STYLE } from '../../../src/render/style.js';
import { ms, sid, tid } from '../../helpers/make-span.js';

const ALL = {};
const result = (
  rule: Rule,
  matched: number,
  measured: RuleResult['measured'],
  evidence: RuleResult['evidence'] = [],
): RuleResult => ({ rule, passed: evidence.length === 0, measured, evidence, matched });

const noOrigins = (name = 'no errors start in checkout'): Rule => ({
  name,
  select: { service: 'checkout' },
  type: 'no-error-origins',
});

describe('ruleFailed', () => {
  it('a rule fails when it did not pass, or when it matched nothing', () => {
    expect(ruleFailed(result(noOrigins(), 10, { count: 0 }))).toBe(false);
    expect(ruleFailed({ ...result(noOrigins(), 10, { count: 2 }), passed: false })).toBe(true);
    // a misspelt service must not pass in silence
    expect(ruleFailed(result(noOrigins(), 0, { count: 0 }))).toBe(true);
  });
});

describe('ruleMessage', () => {
  it.each<[string, RuleResult, string]>([
    ['no error origins', result(noOrigins(), 10, { count: 0 }), 'no error starts in 10 spans'],
    ['error origins', result(noOrigins(), 10, { count: 2 }), '2 error origins in 10 spans'],
    [
      'no timeouts',
      result({ name: 't', select: ALL, type: 'no-timeouts' }, 1, { count: 0 }),
      'no timeouts in 1 span',
    ],
    [
      'timeouts',
      result({ name: 't', select: ALL, type: 'no-timeouts' }, 5, { count: 1 }),
      '1 timeout in 5 spans',
    ],
    [
      'duration',
      result({ name: 'd', select: ALL, type: 'duration', p95: ms(300), max: ms(1000) }, 20, {
        p50: 120_000_000,
        p95: 450_000_000,
        max: 900_000_000,
      }),
      'p50 120ms, p95 450ms, max 900ms over 20 spans (wanted p95 ≤ 300ms, max ≤ 1.0s)',
    ],
    [
      'duration, p50 only',
      result({ name: 'd', select: ALL, type: 'duration', p50: ms(5) }, 1, {
        p50: 2_500_000,
        p95: 2_500_000,
        max: 2_500_000,
      }),
      'p50 2.5ms, p95 2.5ms, max 2.5ms over 1 span (wanted p50 ≤ 5.0ms)',
    ],
    [
      'span count',
      result({ name: 's', select: ALL, type: 'span-count', max: 100 }, 3, { largest: 140 }),
      'the largest of 3 traces has 140 spans (at most 100 wanted)',
    ],
    [
      'required attributes, all there',
      result(
        { name: 'r', select: ALL, type: 'required-attributes', attributes: ['http.route', 'user.id'] },
        4,
        {
          count: 0,
        },
      ),
      'all 4 spans carry http.route, user.id',
    ],
    [
      'required attributes, missing',
      result({ name: 'r', select: ALL, type: 'required-attributes', attributes: ['http.route'] }, 4, {
        count: 2,
      }),
      '2 of 4 spans lack http.route',
    ],
    [
      'propagation',
      result({ name: 'p', select: ALL, type: 'propagation', from: 'user-service', to: 'order-service' }, 3, {
        calls: 3,
        continued: 1,
      }),
      'order-service continued 1 of 3 calls from user-service',
    ],
    [
      'propagation, no calls seen',
      result({ name: 'p', select: ALL, type: 'propagation', from: 'user-service', to: 'order-service' }, 0, {
        calls: 0,
        continued: 0,
      }),
      'no calls from user-service to order-service were seen',
    ],
    [
      'no orphans',
      result({ name: 'o', select: ALL, type: 'no-orphans' }, 7, { count: 0 }),
      'no orphans among 7 spans',
    ],
    [
      'orphans',
      result({ name: 'o', select: ALL, type: 'no-orphans' }, 7, { count: 2 }),
      '2 orphan spans among 7 spans',
    ],
    ['nothing matched', result(noOrigins(), 0, { count: 0 }), 'no spans matched the selector: check it'],
  ])('%s', (_, r, text) => {
    expect(ruleMessage(r)).toBe(text);
  });

  it('escapes names from the rules file', () => {
    const r = result({ name: 'p', select: ALL, type: 'propagation', from: 'a\u001b', to: 'b\n' }, 0, {});
    expect(ruleMessage(r)).toBe('no calls from a\\u{1b} to b\\n were seen');
  });
});

describe('assertReport', () => {
  const failing = result(noOrigins(), 10, { count: 2 }, [
    { traceId: tid('a1'), spanId: sid('c1'), detail: 'checkout › pay: error origin' },
    { traceId: tid('a2'), spanId: sid('c2'), detail: 'checkout › pay: error origin' },
  ]);
  const passing = result({ name: 'small traces', select: ALL, type: 'span-count', max: 100 }, 3, {
    largest: 40,
  });
  const empty = result(noOrigins('typo'), 0, { count: 0 });
  const traceLevel = result(
    { name: 'tiny traces', select: ALL, type: 'span-count', max: 10 },
    3,
    { largest: 40 },
    [{ traceId: tid('b1'), spanId: undefined, detail: '40 spans' }],
  );

  it('the document satisfies the assert contract: every rule with its status, message and evidence', () => {
    const report = assertReport([failing, passing, empty, traceLevel], 'otrace.rules.yaml', 3);
    const doc = AssertDocumentSchema.parse(report.json);
    expect(doc).toMatchObject({
      schemaVersion: 1,
      rulesFile: 'otrace.rules.yaml',
      tracesAnalysed: 3,
      passed: 1,
      failed: 3,
    });
    expect(doc.rules[0]).toEqual({
      name: 'no errors start in checkout',
      type: 'no-error-origins',
      status: 'failed',
      message: '2 error origins in 10 spans',
      matched: 10,
      measured: { count: 2 },
      evidence: [
        { traceId: tid('a1'), spanId: sid('c1'), detail: 'checkout › pay: error origin' },
        { traceId: tid('a2'), spanId: sid('c2'), detail: 'checkout › pay: error origin' },
      ],
    });
    expect(doc.rules.map((r) => r.status)).toEqual(['failed', 'passed', 'failed', 'failed']);
    expect(doc.rules[3]!.evidence).toEqual([{ traceId: tid('b1'), spanId: null, detail: '40 spans' }]);
    expect(report.items).toEqual(doc.rules);
  });

  it('the text: a line per rule with its evidence indented, then the summary', () => {
    const report = assertReport([failing, passing, traceLevel], 'rules.json', 3);
    expect(report.text(PLAIN_STYLE, 80)).toBe(
      [
        '✗ no errors start in checkout: 2 error origins in 10 spans',
        `    trace ${tid('a1')} span ${sid('c1')}: checkout › pay: error origin`,
        `    trace ${tid('a2')} span ${sid('c2')}: checkout › pay: error origin`,
        '✓ small traces: the largest of 3 traces has 40 spans (at most 100 wanted)',
        '✗ tiny traces: the largest of 3 traces has 40 spans (at most 10 wanted)',
        `    trace ${tid('b1')}: 40 spans`,
        '',
        '3 rules over 3 traces: 2 failed.',
        '',
      ].join('\n'),
    );
  });

  it('the summary when all passed, and the title names the rules file', () => {
    const report = assertReport([passing], 'rules\u001b.json', 1);
    expect(report).toMatchObject({
      command: 'otrace assert',
      title: 'Trace assertions (rules\\u{1b}.json)',
      summary: '1 rule over 1 trace: all passed.',
    });
  });

  it('a check per rule, failed with the first trace and the evidence as details', () => {
    const report = assertReport([failing, passing, empty], 'rules.json', 3);
    expect(report.checks).toEqual([
      {
        name: 'no errors start in checkout',
        status: 'failed',
        severity: 'error',
        message: '2 error origins in 10 spans',
        traceId: tid('a1'),
        details: [
          `trace ${tid('a1')} span ${sid('c1')}: checkout › pay: error origin`,
          `trace ${tid('a2')} span ${sid('c2')}: checkout › pay: error origin`,
        ].join('\n'),
      },
      {
        name: 'small traces',
        status: 'passed',
        severity: 'error',
        message: 'the largest of 3 traces has 40 spans (at most 100 wanted)',
        traceId: undefined,
        details: undefined,
      },
      {
        name: 'typo',
        status: 'failed',
        severity: 'error',
        message: 'no spans matched the selector: check it',
        traceId: undefined,
        details: undefined,
      },
    ]);
  });

  it('escapes names and evidence in the text and the checks, not in the JSON', () => {
    const r = result(noOrigins('n\u001b[2J'), 1, { count: 1 }, [
      { traceId: tid('a1'), spanId: undefined, detail: 'd\n' },
    ]);
    const report = assertReport([r], 'rules.json', 1);
    expect(report.text(PLAIN_STYLE, 80).split('\n').slice(0, 2)).toEqual([
      '✗ n\\u{1b}[2J: 1 error origin in 1 span',
      `    trace ${tid('a1')}: d\\n`,
    ]);
    expect(report.checks[0]).toMatchObject({ name: 'n\\u{1b}[2J', details: `trace ${tid('a1')}: d\\n` });
    expect(AssertDocumentSchema.parse(report.json).rules[0]!.name).toBe('n\u001b[2J');
  });

  it('colours the marks', () => {
    const text = assertReport([failing, passing], 'rules.json', 3).text(createStyle(true), 80);
    expect(text.startsWith('\u001b[31m\u001b[1m✗\u001b[22m\u001b[39m no errors')).toBe(true);
    expect(text).toContain('\n\u001b[32m✓\u001b[39m small traces');
  });
});
