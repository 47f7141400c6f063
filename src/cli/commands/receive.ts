import { Command, Option } from 'commander';
import { analyzeTrace } from '../../analysis/analyze-trace.js';
import { spanCompactor } from '../../analysis/compact-span.js';
import { PropagationCheck, type TracePart, tracePart } from '../../analysis/propagation/check-propagation.js';
import type { PropagationFinding } from '../../analysis/propagation/findings.js';
import { EXIT, UsageError } from '../../errors.js';
import { byStartThenId, earliestStart, TraceCollector } from '../../model/collect-traces.js';
import { LiveTraces } from '../../model/live-traces.js';
import type { Nanos, Trace, TraceId } from '../../model/types.js';
import { renderLiveTrace, renderLiveTraceJson } from '../../render/receive/live-trace.js';
import { loadTextWidths } from '../../render/width.js';
import { decodeDocument } from '../../schema/decode.js';
import { startReceiver } from '../../sources/otlp-receiver.js';
import { TraceFileWriter } from '../../sources/trace-file-writer.js';
import type { CommandContext } from '../context.js';
import { parseCount, parseDuration } from '../parse-options.js';

interface ReceiveOptions {
  host: string;
  grpc: string;
  http: string;
  out?: string;
  idle: string;
  untilIdle?: string;
  count?: string;
  maxBody: string;
  maxPendingSpans: string;
  format: 'text' | 'ndjson';
}

/** Completed traces kept for the propagation check of the next ones: a split's halves arrive apart. */
const RECENT_TRACES = 200;
const NO_EXTERNAL = { external: new Set<string>() };

interface RecentPart {
  readonly start: Nanos;
  readonly traceId: TraceId;
  readonly part: TracePart;
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
    .option(
      '--max-body <bytes>',
      'largest export request accepted, in bytes (413 / RESOURCE_EXHAUSTED past it)',
      String(32 * 1024 * 1024),
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
  const idleMs = Number(parseDuration(options.idle, '--idle') / 1_000_000n);
  const untilIdleMs =
    options.untilIdle === undefined
      ? undefined
      : Number(parseDuration(options.untilIdle, '--until-idle') / 1_000_000n);
  const count = options.count === undefined ? undefined : parseCount(options.count, '--count', 1);
  if (options.format === 'text') await loadTextWidths();
  const writer = options.out === undefined ? undefined : new TraceFileWriter(options.out);
  const live = new LiveTraces(idleMs, parseCount(options.maxPendingSpans, '--max-pending-spans', 1));
  const compact = spanCompactor();
  // Each completed trace's part of the propagation checks, worked out once: every tick checks the
  // traces it completes together with the last RECENT_TRACES, in one pass over the parts.
  let recent: RecentPart[] = [];
  const stats = { requests: 0, spans: 0, refused: 0, ignored: 0, traces: 0, failed: 0 };
  let lastRequest = Date.now();

  const receiver = await startReceiver({
    host: options.host,
    grpcPort,
    httpPort,
    maxBodyBytes: parseCount(options.maxBody, '--max-body', 1),
    accept({ json, doc }, from) {
      // Decode first: a request otrace cannot read is refused (400), not written.
      const collector = new TraceCollector(compact);
      decodeDocument(doc, { file: from, line: 1, warn: ctx.warn }, collector, 'otlp');
      writer?.write(json);
      const spans = collector.traces().flatMap((t) => t.spans);
      live.add(spans, Date.now());
      stats.requests++;
      stats.spans += spans.length;
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

  const emit = (traces: readonly Trace[]) => {
    if (traces.length === 0) return;
    const analyses = traces.map((trace) => analyzeTrace(trace, { limits: [] }));
    const parts = analyses.map((analysis, i) => ({
      start: earliestStart(traces[i]!),
      traceId: traces[i]!.traceId,
      part: tracePart(analysis.tree, NO_EXTERNAL, 'all'),
    }));
    const window = [...recent, ...parts].sort(byStartThenId);
    const findings = findingsByTrace(window);
    recent = window.slice(-RECENT_TRACES);
    analyses.forEach((analysis, i) => {
      const trace = traces[i]!;
      const own = findings.get(trace.traceId) ?? [];
      stats.traces++;
      if (analysis.diagnosis.kind !== 'ok') stats.failed++;
      ctx.out(
        options.format === 'ndjson'
          ? renderLiveTraceJson(trace, analysis, own)
          : renderLiveTrace(trace, analysis, own, ctx.styleFor('text'), ctx.width),
      );
    });
  };

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      undoStop();
      resolve();
    };
    const timer = setInterval(() => {
      const now = Date.now();
      emit(live.takeComplete(now));
      if (count !== undefined && stats.traces >= count) stop();
      if (untilIdleMs !== undefined && now - lastRequest >= untilIdleMs && live.pendingSpans === 0) stop();
    }, TICK_MS);
    const undoStop = ctx.io.onStop(stop);
  });
  await receiver.close();
  emit(live.takeComplete(Date.now(), true));
  writer?.close();
  if (live.completedEarly > 0)
    ctx.warn(
      `${live.completedEarly} trace(s) were shown before they were idle: more than --max-pending-spans spans were waiting`,
    );
  ctx.io.stderr.write(
    `otrace: received ${stats.requests} trace export request(s), ${stats.spans} spans, ${stats.traces} trace(s), ${stats.failed} failing${
      stats.ignored > 0 ? `; ${stats.ignored} metrics/logs request(s) accepted and not kept` : ''
    }${stats.refused > 0 ? `; ${stats.refused} request(s) refused` : ''}${writer ? `; ${writer.lines} line(s) in ${writer.path}` : ''}\n`,
  );
  return EXIT.ok;
}

/** The propagation findings over `window`, by each trace they name (their own or the related one). */
function findingsByTrace(window: readonly RecentPart[]): Map<TraceId, PropagationFinding[]> {
  const check = new PropagationCheck(NO_EXTERNAL);
  for (const { part } of window) check.addPart(part);
  const byTrace = new Map<TraceId, PropagationFinding[]>();
  const note = (traceId: TraceId, finding: PropagationFinding) => {
    const list = byTrace.get(traceId);
    if (list) list.push(finding);
    else byTrace.set(traceId, [finding]);
  };
  for (const finding of check.report().findings) {
    note(finding.traceId, finding);
    if (
      'relatedTraceId' in finding &&
      finding.relatedTraceId !== undefined &&
      finding.relatedTraceId !== finding.traceId
    )
      note(finding.relatedTraceId, finding);
  }
  return byTrace;
}
