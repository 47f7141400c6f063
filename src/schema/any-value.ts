import type { Attributes, AttributeValue } from '../model/types.js';
import { type DecodeContext, decodeError, isRecord, type PathPart } from './decode-context.js';
import { MAX_VALUE_NESTING } from './protobuf-reader.js';

/**
 * OTLP AnyValue → a plain JS value. Quirks handled:
 * - camelCase (`stringValue`) and snake_case (`string_value`) keys, as the Collector accepts both;
 * - `intValue` as a decimal string (spec) or a JSON number; kept as a number when it is a safe
 *   integer, else as the exact decimal string;
 * - `doubleValue` as a number or the strings "NaN" / "Infinity" / "-Infinity" (kept as strings);
 * - `bytesValue` stays base64; `{}` (no value set) is null.
 * Arrays and key-value lists nested more than MAX_VALUE_NESTING deep are refused.
 */
export function decodeAnyValue(
  value: unknown,
  ctx: DecodeContext,
  path: () => PathPart[],
  depth = 0,
): AttributeValue {
  if (!isRecord(value)) {
    // Not an AnyValue wrapper. Some emitters put bare scalars; accept them as they are.
    if (value === undefined || value === null) return null;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    throw decodeError(ctx, path(), 'expected an AnyValue object like {"stringValue": "…"}');
  }
  const str = value.stringValue ?? value.string_value;
  if (str !== undefined) return typeof str === 'string' ? str : String(str);
  const bool = value.boolValue ?? value.bool_value;
  if (bool !== undefined) return bool === true || bool === 'true';
  const int = value.intValue ?? value.int_value;
  if (int !== undefined) return decodeIntValue(int, ctx, path);
  const dbl = value.doubleValue ?? value.double_value;
  if (dbl !== undefined) return typeof dbl === 'number' ? dbl : String(dbl);
  const arr = value.arrayValue ?? value.array_value;
  const kv = value.kvlistValue ?? value.kvlist_value;
  if ((arr !== undefined || kv !== undefined) && depth >= MAX_VALUE_NESTING)
    throw decodeError(
      ctx,
      attributePath(path()),
      `an attribute value nests arrays or key-value lists more than ${MAX_VALUE_NESTING} levels deep`,
      'no instrumentation writes such values: this input is corrupt or hostile',
    );
  if (arr !== undefined) {
    const values = isRecord(arr) ? arr.values : undefined;
    if (values === undefined || values === null) return [];
    if (!Array.isArray(values))
      throw decodeError(ctx, [...path(), 'arrayValue', 'values'], 'expected an array');
    return values.map((item, i) =>
      decodeAnyValue(item, ctx, () => [...path(), 'arrayValue', 'values', i], depth + 1),
    );
  }
  if (kv !== undefined) {
    return decodeAttributes(
      isRecord(kv) ? kv.values : undefined,
      ctx,
      () => [...path(), 'kvlistValue'],
      'values',
      undefined,
      depth + 1,
    );
  }
  const bytes = value.bytesValue ?? value.bytes_value;
  if (bytes !== undefined) return String(bytes);
  return null;
}

/** A nested value's path, up to the attribute's own value: the levels below it would fill the line. */
function attributePath(parts: PathPart[]): PathPart[] {
  const value = parts.indexOf('value');
  return value === -1 ? parts : parts.slice(0, value + 1);
}

const INTEGER = /^-?\d+$/;

function decodeIntValue(int: unknown, ctx: DecodeContext, path: () => PathPart[]): number | string {
  if (typeof int === 'number') return int;
  if (typeof int === 'string' && INTEGER.test(int)) {
    const n = Number(int);
    return Number.isSafeInteger(n) ? n : int;
  }
  throw decodeError(
    ctx,
    [...path(), 'intValue'],
    `expected an integer (decimal string or number), got ${JSON.stringify(int)}`,
  );
}

const EMPTY: Attributes = Object.freeze({});

/**
 * `[{key, value: AnyValue}]` → `{key: value}`. A missing list is an empty object. With `keep`,
 * only those keys are decoded (the others are still checked to be `{key, value}` entries). The
 * list's path is `[...path(), field]`, built only for an error: this runs for every span.
 */
export function decodeAttributes(
  list: unknown,
  ctx: DecodeContext,
  path: () => PathPart[],
  field: PathPart,
  keep?: ReadonlySet<string>,
  depth = 0,
): Attributes {
  if (list === undefined || list === null) return EMPTY;
  if (!Array.isArray(list))
    throw decodeError(ctx, [...path(), field], 'expected an array of {"key", "value"} attributes');
  if (list.length === 0) return EMPTY;
  let out: Record<string, AttributeValue> | undefined;
  for (let i = 0; i < list.length; i++) {
    const kv = list[i];
    if (!isRecord(kv) || typeof kv.key !== 'string') {
      throw decodeError(ctx, [...path(), field, i], 'expected an attribute {"key": "…", "value": {…}}');
    }
    if (keep !== undefined && !keep.has(kv.key)) continue;
    out ??= {};
    out[kv.key] =
      decodeCommonValue(kv.value) ??
      decodeAnyValue(kv.value, ctx, () => [...path(), field, i, 'value'], depth);
  }
  return out ?? EMPTY;
}

/**
 * The usual AnyValues, decoded without building a path for an error that cannot happen:
 * a string, a boolean, an int as a number or a decimal string. Anything else: undefined.
 */
function decodeCommonValue(value: unknown): AttributeValue | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const str = record.stringValue;
  if (typeof str === 'string') return str;
  const int = record.intValue;
  if (typeof int === 'number') return int;
  if (typeof int === 'string' && INTEGER.test(int)) {
    const n = Number(int);
    return Number.isSafeInteger(n) ? n : int;
  }
  const bool = record.boolValue;
  if (typeof bool === 'boolean') return bool;
  return undefined;
}
