import { describe, expect, it } from 'vitest';
import { atOrAbove, FINDING_SEVERITY, type FindingKind, type Severity } from '../../src/analysis/findings.js';

describe('atOrAbove', () => {
  it('orders error above warning above info', () => {
    const levels: Severity[] = ['error', 'warning', 'info'];
    const table = levels.map((severity) => levels.map((threshold) => atOrAbove(severity, threshold)));
    expect(table).toEqual([
      // threshold: error, warning, info
      [true, true, true], // error
      [false, true, true], // warning
      [false, false, true], // info
    ]);
  });
});

describe('FINDING_SEVERITY', () => {
  const failingAt = (threshold: Severity): FindingKind[] =>
    (Object.keys(FINDING_SEVERITY) as FindingKind[])
      .filter((kind) => atOrAbove(FINDING_SEVERITY[kind], threshold))
      .sort();

  it('fails on what broke the request at the default level: origins and timeouts, never a recovered error', () => {
    expect(failingAt('error')).toEqual(['error-origin', 'slow-span-behind-timeout', 'timeout']);
  });

  it('adds what makes the trace itself doubtful at warning: orphans, cycles, truncation', () => {
    expect(failingAt('warning')).toEqual([
      'error-origin',
      'orphan-span',
      'parent-cycle',
      'slow-span-behind-timeout',
      'timeout',
      'truncated-trace',
    ]);
  });

  it('gives every finding kind a severity, and everything at info', () => {
    expect(failingAt('info')).toEqual([
      'backend-warning',
      'duplicate-span-id',
      'error-origin',
      'orphan-span',
      'parent-cycle',
      'recovered-error',
      'slow-span-behind-timeout',
      'timeout',
      'truncated-trace',
    ]);
  });
});
