import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { glob } from 'tinyglobby';
import { OtraceError, SourceError, UsageError } from '../errors.js';
import type { Trace } from '../model/types.js';
import type { InputFormat } from '../schema/decode.js';
import { openFile, readDocuments, STDIN_NAME } from '../sources/file-source.js';
import { type DecodeOptions, TraceDecoder } from './decode-traces.js';
import type { SkippedInput } from './hooks.js';

/** Trace files named on the command line, or standard input. */
export interface FileInputs {
  /** `-f` values: paths, quoted globs, `-` for stdin; none means stdin, unless it is a terminal. */
  readonly files: readonly string[];
  readonly inputFormat: InputFormat;
  readonly stdinIsTTY: boolean;
  /** Read where an input is `-`. */
  readonly stdin: AsyncIterable<Buffer>;
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
        'pass a trace file with -f FILE (several allowed, globs too), pipe one in (cat trace.json | otrace show), or fetch from --jaeger URL / --tempo URL / --zipkin URL',
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
    // Named as the user wrote the pattern: an absolute one gives absolute paths.
    const matches = (
      await glob(file, { onlyFiles: true, expandDirectories: false, absolute: isAbsolute(file) })
    ).sort();
    if (matches.length === 0)
      throw new SourceError(`${file}: no files match`, 'check the pattern and the current directory');
    out.push(...matches);
  }
  return out;
}

/**
 * Reads every input already resolved (`resolveInputs`), decodes each document and groups the
 * spans into traces. Among several inputs, one that cannot be read (missing, malformed, cut
 * short) is taken back whole and left out when `skip` is given: the others are still read, and
 * it is told to `skip` with its one-line error. When every input fails, or there is only one,
 * the first error is thrown.
 */
export async function readInputs(
  inputs: readonly string[],
  stdin: AsyncIterable<Buffer>,
  options: DecodeOptions,
  skip?: (skipped: SkippedInput) => void,
): Promise<LoadedInput> {
  const decoder = new TraceDecoder(options);
  const skipped: { input: string; error: OtraceError }[] = [];
  for (const input of inputs) {
    const name = input === '-' ? STDIN_NAME : input;
    if (inputs.length === 1 || !skip) {
      await decoder.addAll(readDocuments(input === '-' ? stdin : await openFile(input), name, options.warn));
      continue;
    }
    try {
      await decoder.addAllOrNone(
        readDocuments(input === '-' ? stdin : await openFile(input), name, options.warn),
      );
    } catch (error) {
      if (!(error instanceof OtraceError)) throw error;
      skipped.push({ input: name, error });
    }
  }
  if (skipped.length > 0 && skipped.length === inputs.length) throw skipped[0]!.error;
  for (const { input, error } of skipped)
    skip?.({ input, reason: `${error.message}${error.hint ? ` — ${error.hint}` : ''}` });
  const left = new Set(skipped.map((s) => s.input));
  return {
    traces: decoder.traces(),
    inputNames: inputs.map((i) => (i === '-' ? STDIN_NAME : i)).filter((i) => !left.has(i)),
    skippedDocuments: decoder.skippedDocuments,
    otherTraces: decoder.tracesTurnedAway,
  };
}

/** `resolveInputs`, then `readInputs`. */
export async function loadTraces(
  source: FileInputs,
  options: Omit<DecodeOptions, 'inputFormat'>,
  skip?: (skipped: SkippedInput) => void,
): Promise<LoadedInput> {
  const inputs = await resolveInputs(source.files, source.stdinIsTTY);
  return readInputs(inputs, source.stdin, { ...options, inputFormat: source.inputFormat }, skip);
}
