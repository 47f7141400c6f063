import { Command, Option } from 'commander';
import { failsAt, PROPAGATION_FAIL_ON, type PropagationFailOn } from '../../analysis/propagation/findings.js';
import { EXIT, UsageError } from '../../errors.js';
import { parseDuration } from '../../model/duration.js';
import { type CompletedTrace, LiveCheck } from '../../pipeline/live-check.js';
import { renderLiveTrace, renderLiveTraceJson } from '../../render/receive/live-trace.js';
import { loadTextWidths } from '../../render/width.js';
import { startReceiver } from '../../sources/otlp-receiver.js';
import { MAX_INFLIGHT_BYTES } from '../../sources/receiver-limits.js';
import { TraceFileWriter } from '../../sources/trace-file-writer.js';
import type { CommandContext } from '../context.js';
import { parseCount } from '../parse-options.js';

interface ReceiveOptions {
  host: string;
  grpc: string;
  http: string;
  out?: string;
  idle: string;
  untilIdle?: string;
  count?: string;
  maxBody: string;
  maxInflight: string;
  maxPendingSpans: string;
  format: 'text' | 'ndjson';
  failOn?: PropagationFailOn;
}

const TICK_MS = 200;

export function receiveCommand(ctx: CommandContext): Command {
  return new Command('receive')
    .description(
      'stand in for a Collector: take OTLP/gRPC and OTLP/HTTP exports, write them as JSON Lines, and print each trace as it completes',
    )
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--grpc <port>', 'OTLP/gRPC port; "off" to disable', '4317')
    .option('--http <port>', 'OTLP/HTTP port; "off" to disable', '4318')
    .option(
      '--out <file>',
      'append every trace export request here, one per line (Collector file-exporter format)',
    )
    .addOption(
      new Option('--format <format>', 'a line of text, or one JSON object (NDJSON), per completed trace')
        .choices(['text', 'ndjson'])
        .default('text'),
    )
    .option('--idle <dur>', 'a trace is complete when none of its spans has arrived for this long', '2s')
    .option('--until-idle <dur>', 'stop once no export has arrived for this long (for CI)')
    .option('--count <n>', 'stop after this many completed traces')
    .addOption(
      new Option(
        '--fail-on <severity>',
        'once stopped, exit 1 if a trace it showed had a propagation finding of this severity or worse (as check-propagation, over the last 200 traces); without it, exit 0',
      ).choices(PROPAGATION_FAIL_ON),
    )
    .option(
      '--max-body <bytes>',
      'largest export request accepted, in bytes (413 / RESOURCE_EXHAUSTED past it)',
      String(32 * 1024 * 1024),
    )
    .option(
      '--max-inflight <bytes>',
      'request bodies held in memory at once, in bytes, across all requests; past it 503 / UNAVAILABLE (exporters retry)',
      String(MAX_INFLIGHT_BYTES),
    )
    .option(
      '--max-pending-spans <n>',
      'spans waiting for their trace to complete, at most; past it the oldest traces complete early',
      '500000',
    )
    .action(async (options: ReceiveOptions) => {
      ctx.exitCode = await runReceive(ctx, options);
    });
}

function port(text: string, option: string): number | undefined {
  if (text === 'off') return undefined;
  const value = parseCount(text, option);
  if (value > 65535) throw new UsageError(`${option} ${text}: not a port`);
  return value;
}

async function runReceive(ctx: CommandContext, options: ReceiveOptions): Promise<number> {
  const grpcPort = port(options.grpc, '--grpc');
  const httpPort = port(options.http, '--http');
  if (grpcPort === undefined && httpPort === undefined)
    throw new UsageError('--grpc off and --http off: nothing to listen on');
  const ms = (text: string, option: string) => Number(parseDuration(text, option) / 1_000_000n);
  const untilIdleMs = options.untilIdle === undefined ? undefined : ms(options.untilIdle, '--until-idle');
  const count = options.count === undefined ? undefined : parseCount(options.count, '--count', 1);
  const check = new LiveCheck(
    {
      idleMs: ms(options.idle, '--idle'),
      maxPendingSpans: parseCount(options.maxPendingSpans, '--max-pending-spans', 1),
    },
    ctx.warn,
  );
  const maxBodyBytes = parseCount(options.maxBody, '--max-body', 1);
  const maxInflightBytes = parseCount(options.maxInflight, '--max-inflight', 1);
  if (maxInflightBytes < maxBodyBytes)
    throw new UsageError(
      `--max-inflight ${maxInflightBytes} is less than --max-body ${maxBodyBytes}: a request of --max-body would never be taken`,
      'raise --max-inflight, or lower --max-body',
    );
  if (options.format === 'text') await loadTextWidths();
  const writer = options.out === undefined ? undefined : new TraceFileWriter(options.out);
  const stats: Stats = { requests: 0, spans: 0, refused: 0, ignored: 0, traces: 0, failed: 0, flagged: 0 };
  let lastRequest = Date.now();

  const receiver = await startReceiver({
    host: options.host,
    grpcPort,
    httpPort,
    maxBodyBytes,
    maxInflightBytes,
    accept({ json, doc }, from) {
      // Decode first: a request otrace cannot read is refused (400), not written.
      const spans = check.accept(doc, from, Date.now());
      // A line that cannot be written whole refuses the request (503, gRPC UNAVAILABLE). A request
      // of no spans (a 0-byte protobuf body is one) is acknowledged and not written: the Collector
      // passes such a request on to no exporter, so its file exporter never writes one either.
      if (spans > 0) writer?.write(json);
      stats.spans += spans;
      stats.requests++;
      lastRequest = Date.now();
    },
    report(message) {
      stats.refused++;
      ctx.warn(message);
    },
    ignored() {
      stats.ignored++;
      lastRequest = Date.now();
    },
  });
  const where = [
    receiver.grpcAddress && `OTLP/gRPC on ${receiver.grpcAddress}`,
    receiver.httpAddress && `OTLP/HTTP on ${receiver.httpAddress}`,
  ].filter(Boolean);
  ctx.io.stderr.write(`otrace: receiving ${where.join(', ')}${writer ? `; writing ${writer.path}` : ''}\n`);
  if (!isLoopback(options.host))
    ctx.warn(
      `listening on ${options.host}, not only this machine: anyone who can reach it can send spans (--host 127.0.0.1 keeps it local)`,
    );

  const print = (completed: readonly CompletedTrace[]) => {
    for (const { trace, analysis, findings } of completed) {
      stats.traces++;
      if (analysis.diagnosis.kind !== 'ok') stats.failed++;
      const failOn = options.failOn;
      if (failOn !== undefined && findings.some((f) => failsAt(f, failOn))) stats.flagged++;
      ctx.out(
        options.format === 'ndjson'
          ? renderLiveTraceJson(trace, analysis, findings)
          : renderLiveTrace(trace, analysis, findings, ctx.styleFor('text'), ctx.width),
      );
    }
  };
  await untilStopped(ctx, () => {
    const now = Date.now();
    print(check.takeComplete(now));
    if (count !== undefined && stats.traces >= count) return true;
    return untilIdleMs !== undefined && now - lastRequest >= untilIdleMs && check.pendingSpans === 0;
  });
  await receiver.close();
  print(check.takeComplete(Date.now(), true));
  writer?.close();
  if (check.completedEarly > 0)
    ctx.warn(
      `${check.completedEarly} trace(s) were shown before they were idle: more than --max-pending-spans spans were waiting`,
    );
  ctx.io.stderr.write(summaryLine(stats, writer, options.failOn));
  return stats.flagged > 0 ? EXIT.findings : EXIT.ok;
}

interface Stats {
  requests: number;
  spans: number;
  refused: number;
  ignored: number;
  traces: number;
  /** Traces whose diagnosis is a failure (not ok). */
  failed: number;
  /** Traces shown with a propagation finding at or above --fail-on. */
  flagged: number;
}

/** Runs `tick` every TICK_MS until it says to stop, or the run is asked to (Ctrl-C, SIGTERM). */
function untilStopped(ctx: CommandContext, tick: () => boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      undoStop();
      resolve();
    };
    const timer = setInterval(() => {
      if (tick()) stop();
    }, TICK_MS);
    const undoStop = ctx.io.onStop(stop);
  });
}

function summaryLine(
  stats: Stats,
  writer: TraceFileWriter | undefined,
  failOn: PropagationFailOn | undefined,
): string {
  return `otrace: received ${stats.requests} trace export request(s), ${stats.spans} spans, ${stats.traces} trace(s), ${stats.failed} failing${
    failOn === undefined
      ? ''
      : `; ${stats.flagged} trace(s) with propagation findings at --fail-on ${failOn} or worse`
  }${stats.ignored > 0 ? `; ${stats.ignored} metrics/logs request(s) accepted and not kept` : ''}${
    stats.refused > 0 ? `; ${stats.refused} request(s) refused` : ''
  }${writer ? `; ${writer.lines} line(s) in ${writer.path}` : ''}\n`;
}

/** 127.0.0.0/8, ::1 and localhost reach only this machine; 0.0.0.0, :: or an interface's address do not. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
