import { describe, expect, it } from 'vitest';
import { createStyle, PLAIN_STYLE, type Style } from '../../src/render/style.js';

const LOOKS = [
  'error',
  'warning',
  'dim',
  'bold',
  'service',
  'critical',
  'ok',
] as const satisfies readonly (keyof Style)[];

describe('PLAIN_STYLE', () => {
  it.each(LOOKS)('%s returns its text unchanged', (look) => {
    expect(PLAIN_STYLE[look]('x \u001b y')).toBe('x \u001b y');
  });

  it('is what createStyle gives without colour', () => {
    expect(createStyle(false)).toBe(PLAIN_STYLE);
  });
});

describe('createStyle(true)', () => {
  const style = createStyle(true);
  const ESC = '\u001b[';

  // 16-colour SGR codes (chalk level 1): whatever the terminal, these are understood.
  it.each([
    ['error', `${ESC}31m${ESC}1mx${ESC}22m${ESC}39m`],
    ['warning', `${ESC}33mx${ESC}39m`],
    ['dim', `${ESC}2mx${ESC}22m`],
    ['bold', `${ESC}1mx${ESC}22m`],
    ['service', `${ESC}36mx${ESC}39m`],
    ['critical', `${ESC}35m${ESC}1mx${ESC}22m${ESC}39m`],
    ['ok', `${ESC}32mx${ESC}39m`],
  ] as const)('%s wraps text in its SGR codes', (look, expected) => {
    expect(style[look]('x')).toBe(expected);
  });
});
