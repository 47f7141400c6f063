import { describe, expect, it } from 'vitest';
import { formatDuration, isoTime, plural, roundMillis } from '../../src/render/format.js';

describe('formatDuration', () => {
  it.each([
    [0n, '0ns'],
    [999n, '999ns'],
    [1_000n, '1µs'],
    [850_000n, '850µs'],
    [999_499n, '999µs'],
    [1_000_000n, '1.0ms'],
    [3_240_000n, '3.2ms'],
    [9_949_999n, '9.9ms'],
    [10_000_000n, '10ms'],
    [100_400_000n, '100ms'],
    [999_000_000n, '999ms'],
    [1_000_000_000n, '1.0s'],
    [5_049_000_000n, '5.0s'],
    [5_100_000_000n, '5.1s'],
    [59_940_000_000n, '59.9s'],
    [60_000_000_000n, '1m 00s'],
    [125_000_000_000n, '2m 05s'],
    [3_599_000_000_000n, '59m 59s'],
    [3_600_000_000_000n, '1h 00m'],
    [7_380_000_000_000n, '2h 03m'],
  ])('%s ns is %s', (ns, text) => {
    expect(formatDuration(ns)).toBe(text);
  });

  it('does not print 59.96 s as "60.0s"', () => {
    expect(formatDuration(59_960_000_000n)).toBe('1m 00s');
    expect(formatDuration(59_950_000_000n)).toBe('1m 00s');
  });
});

describe('roundMillis', () => {
  it('keeps at most three decimals (microseconds)', () => {
    expect(roundMillis(1.23456)).toBe(1.235);
    expect(roundMillis(5000)).toBe(5000);
    expect(roundMillis(0.0004)).toBe(0);
    expect(roundMillis(0.0005)).toBe(0.001);
  });
});

describe('isoTime', () => {
  it('writes epoch nanoseconds as ISO 8601 in UTC, to the millisecond', () => {
    expect(isoTime(0n)).toBe('1970-01-01T00:00:00.000Z');
    expect(isoTime(1_700_000_000_123_456_789n)).toBe('2023-11-14T22:13:20.123Z');
  });

  it('truncates below the millisecond rather than rounding up', () => {
    expect(isoTime(999_999n)).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('plural', () => {
  it('uses the singular for one only', () => {
    expect(plural(0, 'span')).toBe('0 spans');
    expect(plural(1, 'span')).toBe('1 span');
    expect(plural(2, 'span')).toBe('2 spans');
  });

  it('takes an irregular plural', () => {
    expect(plural(3, 'child', 'children')).toBe('3 children');
    expect(plural(1, 'child', 'children')).toBe('1 child');
  });
});

describe('formatDuration at the unit boundaries', () => {
  // Like 59.96 s above, a value that rounds up to the next unit is written in that unit.
  it('writes what rounds to 1000µs as milliseconds', () => {
    expect(formatDuration(999_499n)).toBe('999µs');
    expect(formatDuration(999_500n)).toBe('1.0ms');
  });

  it('writes what rounds to 10.0ms without the decimal', () => {
    expect(formatDuration(9_949_999n)).toBe('9.9ms');
    expect(formatDuration(9_960_000n)).toBe('10ms');
  });

  it('writes what rounds to 1000ms as seconds', () => {
    expect(formatDuration(999_499_999n)).toBe('999ms');
    expect(formatDuration(999_999_999n)).toBe('1.0s');
  });
});
