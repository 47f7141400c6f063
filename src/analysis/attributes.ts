import type { Attributes, AttributeValue, Span } from '../model/types.js';

/**
 * Reading semantic-convention attributes under their new and old names. Values arrive as strings
 * from some emitters (Envoy writes `http.status_code: "500"`), so numbers are parsed leniently.
 */

function first(attributes: Attributes, keys: readonly string[]): AttributeValue | undefined {
  for (const key of keys) {
    const value = attributes[key];
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

function asInteger(value: AttributeValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

function asString(value: AttributeValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function attributeString(attributes: Attributes, ...keys: string[]): string | undefined {
  return asString(first(attributes, keys));
}

export function isTrue(value: AttributeValue | undefined): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

/** `http.response.status_code` (new) / `http.status_code` (old); 0 means no response at all. */
export function httpStatusCode(span: Span): number | undefined {
  return asInteger(first(span.attributes, ['http.response.status_code', 'http.status_code']));
}

/** gRPC status code as a number: `rpc.grpc.status_code` (int) or `rpc.response.status_code` / `rpc.status_code` names. */
export function grpcStatusCode(span: Span): number | undefined {
  const numeric = asInteger(first(span.attributes, ['rpc.grpc.status_code']));
  if (numeric !== undefined) return numeric;
  const named = asString(first(span.attributes, ['rpc.response.status_code', 'rpc.status_code']));
  if (named === undefined) return undefined;
  const asNumber = asInteger(named);
  if (asNumber !== undefined) return asNumber;
  const index = GRPC_CODE_NAMES.indexOf(named.toUpperCase());
  return index === -1 ? undefined : index;
}

export const GRPC_CODE_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const as readonly string[];

export function isGrpcSpan(span: Span): boolean {
  const system = attributeString(span.attributes, 'rpc.system.name', 'rpc.system');
  return system === 'grpc' || span.attributes['rpc.grpc.status_code'] !== undefined;
}
