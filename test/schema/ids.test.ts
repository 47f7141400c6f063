import { describe, expect, it } from 'vitest';
import { decodeSpanId, decodeTraceId, parseHexTraceId } from '../../src/schema/ids.js';

// The W3C traceparent example's ids, and their base64 spelling (protobuf-JSON, Tempo).
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACE_B64 = 'S/kvNXezTaajzpKdDg5HNg==';
const SPAN = '00f067aa0ba902b7';
const SPAN_B64 = 'APBnqgupArc=';
const BASE64_HINT = 'ids must be hex, or base64 of the raw id bytes as protobuf-JSON writes them';

describe('decodeTraceId', () => {
  it('keeps lowercase hex, and lowers upper or mixed case', () => {
    expect(decodeTraceId(TRACE)).toEqual({ ok: true, id: TRACE });
    expect(decodeTraceId(TRACE.toUpperCase())).toEqual({ ok: true, id: TRACE });
    expect(decodeTraceId('4BF92f3577b34da6A3CE929d0e0e4736')).toEqual({ ok: true, id: TRACE });
  });

  it('reads base64 of the 16 raw bytes', () => {
    expect(decodeTraceId(TRACE_B64)).toEqual({ ok: true, id: TRACE });
  });

  it('pads a 64-bit (16 hex) id to 128 bits, as the low half', () => {
    expect(decodeTraceId('A3CE929D0E0E4736')).toEqual({ ok: true, id: '0000000000000000a3ce929d0e0e4736' });
  });

  it('reads empty and all-zero ids, in every spelling, as no id', () => {
    expect(decodeTraceId('')).toEqual({ ok: true, id: undefined });
    expect(decodeTraceId('0'.repeat(32))).toEqual({ ok: true, id: undefined });
    expect(decodeTraceId('0'.repeat(16))).toEqual({ ok: true, id: undefined });
    expect(decodeTraceId('AAAAAAAAAAAAAAAAAAAAAA==')).toEqual({ ok: true, id: undefined });
  });

  it('pads shorter hex only when asked (Jaeger drops leading zeros)', () => {
    expect(decodeTraceId('abc', true)).toEqual({ ok: true, id: `${'0'.repeat(29)}abc` });
    expect(decodeTraceId('abc')).toEqual({
      ok: false,
      reason: 'expected 32 hex chars, got "abc"',
      hint: BASE64_HINT,
    });
  });

  it('says how long an over-long hex id is', () => {
    expect(decodeTraceId(`${TRACE}00`)).toEqual({ ok: false, reason: 'expected 32 hex chars, got 34' });
  });

  it('quotes what it got otherwise, cut at 40 characters, with a hint only where it could be base64', () => {
    expect(decodeTraceId('not-a-trace-id!')).toEqual({
      ok: false,
      reason: 'expected 32 hex chars, got "not-a-trace-id!"',
      hint: undefined,
    });
    const long = 'x'.repeat(50);
    expect(decodeTraceId(long)).toEqual({
      ok: false,
      reason: `expected 32 hex chars, got "${'x'.repeat(40)}…"`,
      hint: BASE64_HINT,
    });
    // 32 characters, one of them not hex.
    expect(decodeTraceId(`${TRACE.slice(0, 31)}g`)).toMatchObject({
      ok: false,
      reason: `expected 32 hex chars, got "${TRACE.slice(0, 31)}g"`,
    });
  });
});

describe('decodeSpanId', () => {
  it('keeps hex, lowers case and reads base64 of the 8 raw bytes', () => {
    expect(decodeSpanId(SPAN)).toEqual({ ok: true, id: SPAN });
    expect(decodeSpanId(SPAN.toUpperCase())).toEqual({ ok: true, id: SPAN });
    expect(decodeSpanId(SPAN_B64)).toEqual({ ok: true, id: SPAN });
  });

  it('reads the all-zero parent a protobuf-JSON root carries as no parent', () => {
    expect(decodeSpanId('AAAAAAAAAAA=')).toEqual({ ok: true, id: undefined });
    expect(decodeSpanId('0000000000000000')).toEqual({ ok: true, id: undefined });
    expect(decodeSpanId('')).toEqual({ ok: true, id: undefined });
  });

  it("pads Jaeger's 15-character span ids when asked, and refuses them otherwise", () => {
    expect(decodeSpanId('f067aa0ba902b7', true)).toEqual({ ok: true, id: SPAN });
    expect(decodeSpanId('0f067aa0ba902b7', true)).toEqual({ ok: true, id: SPAN });
    expect(decodeSpanId('0f067aa0ba902b7')).toMatchObject({
      ok: false,
      reason: 'expected 16 hex chars, got "0f067aa0ba902b7"',
    });
  });

  it('a 12-character hex id is hex, not base64 (12 base64 characters without padding are 9 bytes)', () => {
    expect(decodeSpanId('0aa0ba902b71', true)).toEqual({ ok: true, id: '00000aa0ba902b71' });
  });

  it('refuses an over-long hex span id with its length', () => {
    expect(decodeSpanId(`${SPAN}0`)).toEqual({ ok: false, reason: 'expected 16 hex chars, got 17' });
  });
});

describe('parseHexTraceId', () => {
  it('reads a pasted id: trimmed, any case, left-padded', () => {
    expect(parseHexTraceId(`  ${TRACE.toUpperCase()}\n`)).toBe(TRACE);
    expect(parseHexTraceId('a3ce929d0e0e4736')).toBe('0000000000000000a3ce929d0e0e4736');
    expect(parseHexTraceId('1')).toBe(`${'0'.repeat(31)}1`);
  });

  it('reads 24 hex characters as hex, never as base64', () => {
    expect(parseHexTraceId('aaaaaaaaaaaaaaaaaaaaaaaa')).toBe(`${'0'.repeat(8)}${'a'.repeat(24)}`);
  });

  it('refuses zero, non-hex, base64, empty and over-long ids', () => {
    expect(parseHexTraceId('0000')).toBeUndefined();
    expect(parseHexTraceId('xyz')).toBeUndefined();
    expect(parseHexTraceId(TRACE_B64)).toBeUndefined();
    expect(parseHexTraceId('')).toBeUndefined();
    expect(parseHexTraceId(`${TRACE}0`)).toBeUndefined();
  });
});
