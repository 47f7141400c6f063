import type { Span } from './types.js';

/**
 * Whether a span's parent was in another process, from the OTLP span flags (trace.proto,
 * `SpanFlags`): bit 8 (0x100, HAS_IS_REMOTE) says whether it is known, bit 9 (0x200, IS_REMOTE)
 * what it is. Bit 9 means nothing without bit 8, so both are read:
 *
 *   flags & 0x300   0x000 / 0x200    0x100     0x300
 *   parent          unknown          local     remote
 *
 * Jaeger's v1 JSON and older SDKs send no flags: unknown.
 */
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

export function parentIsRemote(span: Pick<Span, 'flags'>): boolean | undefined {
  if (span.flags === undefined || (span.flags & HAS_IS_REMOTE) === 0) return undefined;
  return (span.flags & IS_REMOTE) !== 0;
}
