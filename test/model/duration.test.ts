import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { DURATION, parseDuration } from '../../src/model/duration.js';

describe('parseDuration', () => {
  it('reads Go-style durations, in every unit, to the nanosecond', () => {
    expect(parseDuration('250ns', '--x')).toBe(250n);
    expect(parseDuration('500us', '--x')).toBe(500_000n);
    expect(parseDuration('500µs', '--x')).toBe(500_000n);
    expect(parseDuration('250ms', '--x')).toBe(250_000_000n);
    expect(parseDuration('1.5s', '--x')).toBe(1_500_000_000n);
    expect(parseDuration('2m', '--x')).toBe(120_000_000_000n);
    expect(parseDuration('1h', '--x')).toBe(3_600_000_000_000n);
  });

  it('adds up compound durations and ignores surrounding blanks', () => {
    expect(parseDuration('1m30s', '--x')).toBe(90_000_000_000n);
    expect(parseDuration(' 5s ', '--x')).toBe(5_000_000_000n);
  });

  it('refuses a number without a unit, a unit without a number and words, naming the option', () => {
    for (const text of ['5', 's', 'soon', '5 s', '-5s', '5sec']) {
      expect(DURATION.test(text)).toBe(false);
      expect(() => parseDuration(text, '--timeout')).toThrow(UsageError);
    }
    expect(() => parseDuration('soon', 'rules[0].p95')).toThrow('rules[0].p95 "soon": not a duration');
  });
});
