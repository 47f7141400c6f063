import type { SpanId, TraceId } from '../model/types.js';

/**
 * Trace and span ids arrive in several spellings:
 * - OTLP/JSON: hex, case-insensitive (the proto example is UPPERCASE);
 * - protobuf-JSON emitters (Tempo, Go jsonpb): base64 of the raw bytes, 24 / 12 characters;
 * - Jaeger v1: hex without leading zeros (15-char span ids, 16-char trace ids when the high half is 0).
 * All become lowercase, left-padded hex. An empty or all-zero parent id means "no parent".
 */

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const ZEROS = /^0+$/;

const NOT_HEX = 0;
const LOWER = 1;
const MIXED = 2;
const ALL_ZERO = 3;

/** One pass over an id of the right length (the common case, for every span): no regex, no copy. */
function hexKind(raw: string): number {
  let upper = false;
  let nonZero = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (c !== 0x30) nonZero = true;
    } else if (c >= 0x61 && c <= 0x66) nonZero = true;
    else if (c >= 0x41 && c <= 0x46) {
      nonZero = true;
      upper = true;
    } else return NOT_HEX;
  }
  return !nonZero ? ALL_ZERO : upper ? MIXED : LOWER;
}

export type IdResult<T> = { ok: true; id: T | undefined } | { ok: false; reason: string; hint?: string };

function decodeId(raw: string, bytes: number, allowShortHex: boolean): IdResult<string> {
  const hexLength = bytes * 2;
  if (raw === '') return { ok: true, id: undefined };
  if (raw.length === hexLength) {
    const kind = hexKind(raw);
    if (kind === LOWER) return { ok: true, id: raw };
    if (kind === ALL_ZERO) return { ok: true, id: undefined };
    if (kind === MIXED) return { ok: true, id: raw.toLowerCase() };
  }
  // base64 of `bytes` raw bytes: 12 chars for 8 bytes, 24 for 16.
  const base64Length = Math.ceil(bytes / 3) * 4;
  if (raw.length === base64Length && BASE64.test(raw)) {
    const hex = Buffer.from(raw, 'base64').toString('hex');
    if (hex.length === hexLength) return { ok: true, id: ZEROS.test(hex) ? undefined : hex };
  }
  if (HEX.test(raw) && raw.length < hexLength && (allowShortHex || (bytes === 16 && raw.length === 16))) {
    // Jaeger drops leading zeros; 64-bit trace ids (16 hex) are the low half of a 128-bit id.
    const padded = raw.toLowerCase().padStart(hexLength, '0');
    return { ok: true, id: ZEROS.test(padded) ? undefined : padded };
  }
  if (HEX.test(raw) && raw.length > hexLength) {
    return { ok: false, reason: `expected ${hexLength} hex chars, got ${raw.length}` };
  }
  return {
    ok: false,
    reason: `expected ${hexLength} hex chars, got ${JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw)}`,
    hint: BASE64.test(raw)
      ? 'ids must be hex, or base64 of the raw id bytes as protobuf-JSON writes them'
      : undefined,
  } as IdResult<string>;
}

/** 16-byte trace id. OTLP accepts 32 hex, 16 hex (64-bit ids, left-padded) or 24-char base64. */
export function decodeTraceId(raw: string, allowShortHex = false): IdResult<TraceId> {
  return decodeId(raw, 16, allowShortHex) as IdResult<TraceId>;
}

/** 8-byte span id. */
export function decodeSpanId(raw: string, allowShortHex = false): IdResult<SpanId> {
  return decodeId(raw, 8, allowShortHex) as IdResult<SpanId>;
}

/**
 * A trace id written as hex only, as users paste them and as search answers list them (Tempo
 * drops leading zeros): 1 to 32 hex chars, any case. Never read as base64, which a 24-char hex
 * id would also spell.
 */
export function parseHexTraceId(text: string): TraceId | undefined {
  const id = text.trim().toLowerCase();
  return /^[0-9a-f]{1,32}$/.test(id) && !ZEROS.test(id) ? (id.padStart(32, '0') as TraceId) : undefined;
}
