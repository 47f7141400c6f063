import { existsSync } from 'node:fs';
import { glob } from 'tinyglobby';
import type { SpanCompactor } from '../analysis/compact-span.js';
import { SourceError, UsageError } from '../errors.js';
import { TraceCollector } from '../model/collect-traces.js';
import type { Trace, TraceId } from '../model/types.js';
import { decodeDocument, type InputFormat } from '../schema/decode.js';
import { openFile, readDocuments, STDIN_NAME } from '../sources/file-source.js';

export interface InputOptions {
  readonly files: readonly string[];
  readonly inputFormat: InputFormat;
  readonly stdinIsTTY: boolean;
  /** Read where an input is `-`. */
  readonly stdin: AsyncIterable<Buffer>;
  /** Trades each span for a smaller one as it is read (see analysis/compact-span.ts). */
  readonly compact?: SpanCompactor;
  /** Only these traces are held; the others are counted (`otherTraces`) and let go. */
  readonly onlyTraces?: (traceId: TraceId) => boolean;
}

export interface LoadedInput {
  readonly traces: Trace[];
  readonly inputNames: readonly string[];
  readonly skippedDocuments: number;
  /** Traces in the input that `onlyTraces` left out. */
  readonly otherTraces: number;
}

const GLOB_CHARS = /[*?[\]{}]/;

/** `-f` values → concrete inputs: `-` is stdin, quoted globs expand (sorted), plain paths stay as given. */
export async function resolveInputs(files: readonly string[], stdinIsTTY: boolean): Promise<string[]> {
  if (files.length === 0) {
    if (stdinIsTTY) {
      throw new UsageError(
        'no input',
        'pass a trace file with -f FILE (several allowed, globs too), pipe one in (cat trace.json | otrace show), or fetch from --jaeger URL / --tempo URL',
      );
    }
    return ['-'];
  }
  const out: string[] = [];
  for (const file of files) {
    if (file === '-' || !GLOB_CHARS.test(file) || existsSync(file)) {
      out.push(file);
      continue;
    }
    const matches = (await glob(file, { onlyFiles: true, expandDirectories: false })).sort();
    if (matches.length === 0)
      throw new SourceError(`${file}: no files match`, 'check the pattern and the current directory');
    out.push(...matches);
  }
  return out;
}

/** Reads every input, decodes each document and groups the spans into traces. */
export async function loadTraces(
  options: InputOptions,
  warn: (message: string) => void,
): Promise<LoadedInput> {
  const inputs = await resolveInputs(options.files, options.stdinIsTTY);
  const collector = new TraceCollector(options.compact, options.onlyTraces);
  let skippedDocuments = 0;
  for (const input of inputs) {
    const name = input === '-' ? STDIN_NAME : input;
    const stream = input === '-' ? options.stdin : await openFile(input);
    for await (const doc of readDocuments(stream, name)) {
      const ctx = { file: doc.file, line: doc.line, warn };
      if (decodeDocument(doc.value, ctx, collector, options.inputFormat) === 'skipped') skippedDocuments++;
    }
  }
  return {
    traces: collector.traces(),
    inputNames: inputs.map((i) => (i === '-' ? STDIN_NAME : i)),
    skippedDocuments,
    otherTraces: collector.tracesTurnedAway,
  };
}
