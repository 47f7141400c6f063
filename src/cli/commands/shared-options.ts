import { Command, Option } from 'commander';
import { REPORT_FORMATS, type ReportFormat } from '../../render/report.js';
import { INPUT_FORMATS } from '../../schema/decode.js';

/** commander's parser for an option given more than once: every value, in order. */
export const repeatable = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** Options every command that reads traces takes. */
export function inputOptions(): Option[] {
  return [
    new Option(
      '-f, --file <path>',
      'trace file: OTLP JSON, Collector JSON Lines, Jaeger JSON; - for stdin; repeat or quote a glob',
    ).argParser(repeatable),
    new Option('--input-format <format>', 'skip detection and read the input as this format')
      .choices(INPUT_FORMATS)
      .default('auto'),
  ];
}

/** Where to fetch from instead of files: Jaeger, Tempo or Zipkin, with headers and a request timeout. */
export function backendOptions(): Option[] {
  return [
    new Option('--jaeger <url>', 'read from Jaeger: base URL of jaeger-query (env OTRACE_JAEGER_URL)'),
    new Option(
      '--tempo <url>',
      "read from Grafana Tempo: base URL of Tempo's HTTP API (env OTRACE_TEMPO_URL)",
    ),
    new Option('--zipkin <url>', 'read from Zipkin: base URL of the Zipkin server (env OTRACE_ZIPKIN_URL)'),
    new Option('--header <header>', "extra HTTP header for the backend, 'Name: value'; repeatable").argParser(
      repeatable,
    ),
    new Option(
      '--request-timeout <dur>',
      'give up on a backend request after waiting this long for it in all, connecting and every piece of the answer (answers over 512 MiB, decompressed, are refused)',
    ).default('10s'),
  ];
}

/** What the commands that look across traces search for, in files and in backends alike. */
export function searchOptions(): Option[] {
  return [
    new Option('--service <name>', 'only traces with a span of this service'),
    new Option('--operation <name>', 'only traces with a span of this name (of --service, if given)'),
    new Option('--tag <key=value>', 'only traces with a span carrying this tag; repeatable').argParser(
      repeatable,
    ),
    new Option('--since <dur>', 'only traces from the last <dur>, e.g. 30m (backends: 1h unless --start)'),
    new Option(
      '--start <time>',
      'only traces from this time on: RFC 3339 (2026-05-01T10:00:00Z) or epoch seconds',
    ),
    new Option('--end <time>', 'only traces up to this time (default: now)'),
    new Option('--min-duration <dur>', 'only traces with a matching span at least this long, e.g. 1s'),
    new Option('--limit <n>', 'at most this many traces (backends: 100 unless told; files: all)'),
    new Option('--query <traceql>', 'Tempo only: a TraceQL query instead of the filters above'),
  ];
}

export type OutputFormat = ReportFormat;

export function formatOption(): Option {
  return new Option('--format <format>', 'report format on stdout').choices(REPORT_FORMATS).default('text');
}

/** `--output [format=]file`, repeatable: the report also goes to files, in other formats. */
export function outputOption(): Option {
  return new Option(
    '--output <[format=]file>',
    'also write the report to a file (format from the extension or format=file: junit=report.xml); repeatable',
  ).argParser(repeatable);
}

/**
 * A command that looks across traces (list, errors, check-propagation): trace files as arguments
 * or `-f`, or a Jaeger/Tempo search, with the search flags and `--format`. `run` gets the options
 * with the file arguments folded into `file`.
 */
export function acrossTracesCommand<O extends { file?: string[] }>(
  name: string,
  description: string,
  run: (options: O) => Promise<void>,
): Command {
  const command = new Command(name)
    .description(description)
    .argument('[files...]', 'trace files, the same as -f for each');
  for (const option of [
    ...inputOptions(),
    ...backendOptions(),
    ...searchOptions(),
    formatOption(),
    outputOption(),
  ])
    command.addOption(option);
  return command.action((files: string[], options: O) =>
    run({ ...options, file: [...(options.file ?? []), ...files] }),
  );
}

/** `--timeout <dur>`, repeatable: a limit in force, as `show` and `errors` take it. */
export function timeoutOption(): Option {
  return new Option(
    '--timeout <dur>',
    'a time limit in force (e.g. the client timeout): spans that ran into it are timeouts; repeatable',
  ).argParser(repeatable);
}
