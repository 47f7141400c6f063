/**
 * The versions of the JSON documents, and the values their schemas enumerate that renderers write:
 * here, where both the zod contracts (loaded by tests and `npm run schemas` only) and the
 * renderers (loaded by every command) import them, so neither imports the other's module.
 * Additive changes keep a version; renaming, removing or retyping a field bumps it.
 */
export const SHOW_SCHEMA_VERSION = 1;

export const SPAN_MARKERS = [
  'error',
  'timeout',
  'error-origin',
  'propagated',
  'recovered',
  'slow-behind-timeout',
  'orphan',
  'duplicate-id',
  'cycle-cut',
  'critical-path',
] as const;

export const LIST_SCHEMA_VERSION = 1;

export const ERRORS_SCHEMA_VERSION = 1;

export const PROPAGATION_SCHEMA_VERSION = 1;

export const ASSERT_SCHEMA_VERSION = 1;

export const PERF_SCHEMA_VERSION = 1;

export const DIFF_SCHEMA_VERSION = 1;

export const COMPARE_SCHEMA_VERSION = 1;

/** What `compare --fail-on` can name: a regression, or an error group the baseline did not have. */
export const COMPARE_FAIL_ON = ['regression', 'new-errors'] as const;

/** A compared operation's or edge's verdict, its worst metric's, or its presence in one run only. */
export const COMPARE_ROW_VERDICTS = [
  'regression',
  'improvement',
  'new',
  'vanished',
  'unchanged',
  'too-few-samples',
] as const;
