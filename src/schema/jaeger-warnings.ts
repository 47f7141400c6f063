/**
 * Jaeger's adjuster warnings on a span: v1 JSON's `warnings`, and in OTLP (api_v3) the span
 * attribute `@jaeger@warnings` (an array of strings). Two quirks of Jaeger 2.x are read away:
 * - its memory store hands stored spans to the adjusters without copying, so every query adds
 *   the same warnings again (a span queried ten times carries each one ten times): each is kept
 *   once;
 * - "clock skew adjustment disabled; not applying calculated delta of …" is Jaeger noting an
 *   adjustment it did not make (`max_clock_skew_adjust` is 0 by default), on every child that
 *   starts before its parent: not a warning about the trace. check-propagation judges skew itself.
 */
export const JAEGER_WARNINGS_ATTRIBUTE = '@jaeger@warnings';

const NOT_A_WARNING = /^clock skew adjustment disabled; not applying calculated delta/;

const NONE: readonly string[] = Object.freeze([]);

export function jaegerWarnings(values: readonly unknown[]): readonly string[] {
  if (values.length === 0) return NONE;
  const kept = new Set<string>();
  for (const value of values) {
    const text = String(value);
    if (!NOT_A_WARNING.test(text)) kept.add(text);
  }
  return kept.size === 0 ? NONE : [...kept];
}
