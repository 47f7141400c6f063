import { open } from 'node:fs/promises';
import { TraceCollector } from '../../src/model/collect-traces.js';
import type { Span } from '../../src/model/types.js';
import { decodeDocument } from '../../src/schema/decode.js';
import { readDocuments } from '../../src/sources/file-source.js';

/** Reads a trace file the way the CLI does (format detection, JSON Lines, gzip) and groups its traces. */
export async function loadFile(url: URL, compact?: (span: Span) => Span) {
  const collector = new TraceCollector(compact);
  const warnings: string[] = [];
  let skipped = 0;
  const handle = await open(url);
  try {
    for await (const doc of readDocuments(handle.createReadStream(), url.pathname.split('/').at(-1)!)) {
      const ctx = { file: doc.file, line: doc.line, warn: (m: string) => warnings.push(m) };
      if (decodeDocument(doc.value, ctx, collector, 'auto') === 'skipped') skipped++;
    }
  } finally {
    await handle.close();
  }
  const traces = collector.traces();
  return { traces, spans: traces.flatMap((t) => t.spans), warnings, skipped };
}
