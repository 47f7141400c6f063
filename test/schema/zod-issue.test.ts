import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { firstIssue } from '../../src/schema/zod-issue.js';

const Rules = z.object({
  rules: z.array(z.object({ name: z.string(), p95: z.string() })),
});

function errorOf(schema: z.ZodType, value: unknown): z.ZodError {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected the value to be refused');
  return result.error;
}

describe('firstIssue', () => {
  it('says where the first issue is, in otrace’s path notation, then what zod said', () => {
    const error = errorOf(Rules, {
      rules: [
        { name: 'a', p95: '1s' },
        { name: 'b', p95: 500 },
      ],
    });
    expect(firstIssue(error)).toBe(`rules[1].p95: ${error.issues[0]!.message}`);
  });

  it('reports only the first of several issues', () => {
    const error = errorOf(Rules, { rules: [{ name: 1, p95: 2 }] });
    expect(error.issues.length).toBeGreaterThan(1);
    expect(firstIssue(error)).toBe(`rules[0].name: ${error.issues[0]!.message}`);
  });

  it('names the document when the issue is at the top', () => {
    const error = errorOf(Rules, 'not an object');
    expect(firstIssue(error)).toBe(`(document): ${error.issues[0]!.message}`);
  });

  it('writes a symbol key as text rather than failing', () => {
    const key = Symbol('odd');
    const error = new z.ZodError([{ code: 'custom', message: 'bad', path: ['a', key, 0], input: undefined }]);
    expect(firstIssue(error)).toBe('a.Symbol(odd)[0]: bad');
  });
});
