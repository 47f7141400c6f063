import type { TraceSummary } from '../../model/summary.js';
import type { ListDocument } from '../contracts/list.js';
import { LIST_SCHEMA_VERSION } from '../contracts/versions.js';
import { isoTime, roundMillis } from '../format.js';

export function buildListDocument(summaries: readonly TraceSummary[]): ListDocument {
  return {
    schemaVersion: LIST_SCHEMA_VERSION,
    traces: summaries.map((s) => ({
      traceId: s.traceId,
      startTime: isoTime(s.start),
      durationMs: roundMillis(s.durationMs),
      spanCount: s.spanCount,
      errorCount: s.errorCount,
      rootService: s.rootService,
      rootName: s.rootName,
      rootMissing: s.rootMissing,
      services: [...s.services],
    })),
  };
}
