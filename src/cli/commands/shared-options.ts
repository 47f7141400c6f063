import { Option } from 'commander';
import { INPUT_FORMATS } from '../../schema/decode.js';

/** Options every command that reads traces takes. */
export function inputOptions(): Option[] {
  return [
    new Option(
      '-f, --file <path>',
      'trace file: OTLP JSON, Collector JSON Lines, Jaeger JSON; - for stdin; repeat or quote a glob',
    ).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
    new Option('--input-format <format>', 'skip detection and read the input as this format')
      .choices(INPUT_FORMATS)
      .default('auto'),
  ];
}

export const OUTPUT_FORMATS = ['text', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('text');
}
