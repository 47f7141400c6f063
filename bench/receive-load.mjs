// npm run bench:receive: `otrace receive` under telemetrygen (the OpenTelemetry Collector
// project's load generator), against Jaeger v2's own OTLP receivers (the Collector's, storing in
// memory) taking the same load side by side. Needs the real-world tools (npm run real-world:build,
// which needs Go); says so and exits 1 where they are not built.
//   node bench/receive-load.mjs [--runs 3] [--spans 100000]
// Shapes: small traces (2 spans, the most requests per span) and wide ones (1 + 49 children),
// each over OTLP/gRPC and OTLP/HTTP. Runs go round-robin so that drift on the machine hits every
// case alike; each figure is the median of the runs; spans/s is spans over telemetrygen's wall
// time (it exits once every export is answered); peak RSS is the receiver's. Every run checks
// that otrace wrote every span sent.
import { readFileSync } from 'node:fs';
import { startJaeger } from '../scripts/real-world/jaeger.mjs';
import { runLoad } from '../scripts/real-world/load.mjs';
import { builtTools } from '../scripts/real-world/tools.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const RUNS = Math.max(1, Math.min(Number(option('--runs', '3')), 10));
const SPANS = Math.max(1000, Math.min(Number(option('--spans', '100000')), 1_000_000));
const WORKERS = 2;

const tools = builtTools();
if (!tools.paths) {
  process.stderr.write(
    `bench:receive needs ${tools.missing.join(', ')}: run npm run real-world:build (needs Go)\n`,
  );
  process.exit(1);
}
const { jaeger: jaegerBinary, telemetrygen } = tools.paths;

const SHAPES = [
  { name: 'small traces (2 spans)', childSpans: 1 },
  { name: 'wide traces (50 spans)', childSpans: 49 },
];
const CASES = SHAPES.flatMap((shape) =>
  ['grpc', 'http'].flatMap((protocol) => [
    { shape, protocol, target: 'otrace receive' },
    { shape, protocol, target: 'Jaeger v2 (baseline)' },
  ]),
);

/** Jaeger's peak resident set, from the kernel's high-water mark, before it stops. */
function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmHWM:\s+(\d+) kB/)?.[1]) / 1024;
}

async function runCase({ shape, protocol, target }) {
  const traces = Math.round(SPANS / WORKERS / (1 + shape.childSpans));
  const load = { telemetrygen, protocol, workers: WORKERS, traces, childSpans: shape.childSpans };
  if (target === 'otrace receive') {
    const result = await runLoad(load);
    if (result.written !== result.sent || result.generated !== result.sent)
      throw new Error(`${shape.name} over ${protocol}: sent ${result.sent}, written ${result.written}`);
    return { seconds: result.seconds, spans: result.sent, rss: result.peakRssMb };
  }
  const jaeger = await startJaeger(jaegerBinary);
  try {
    const result = await runLoad({ ...load, jaeger });
    return { seconds: result.seconds, spans: result.sent, rss: peakRssMb(jaeger.pid) };
  } finally {
    await jaeger.stop();
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const results = new Map(CASES.map((c) => [c, []]));
for (let run = 1; run <= RUNS; run++) {
  for (const c of CASES) {
    const r = await runCase(c);
    results.get(c).push(r);
    process.stderr.write(
      `run ${run}/${RUNS}  ${c.target.padEnd(20)} ${c.shape.name.padEnd(22)} ${c.protocol.padEnd(4)}  ${r.seconds.toFixed(2)} s  ${Math.round(r.spans / r.seconds)} spans/s  ${r.rss.toFixed(0)} MB\n`,
    );
  }
}

const rows = [];
let worst;
for (const shape of SHAPES) {
  for (const protocol of ['grpc', 'http']) {
    const of = (target) =>
      results.get(CASES.find((c) => c.shape === shape && c.protocol === protocol && c.target === target));
    const otrace = of('otrace receive');
    const jaeger = of('Jaeger v2 (baseline)');
    const rate = (list) => median(list.map((r) => r.spans / r.seconds));
    const ratio = rate(otrace) / rate(jaeger);
    const row = {
      shape: shape.name,
      protocol,
      otrace: rate(otrace),
      otraceRss: median(otrace.map((r) => r.rss)),
      jaeger: rate(jaeger),
      jaegerRss: median(jaeger.map((r) => r.rss)),
      ratio,
    };
    rows.push(row);
    if (!worst || ratio < worst.ratio) worst = row;
  }
}
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const out = [
  `\n${SPANS.toLocaleString('en-US')} spans a run, ${WORKERS} telemetrygen workers, median of ${RUNS}, every span checked in otrace's --out file`,
  '| shape | protocol | otrace receive spans/s | peak RSS | Jaeger v2 spans/s | peak RSS | otrace ÷ Jaeger |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.shape} | ${r.protocol} | ${fmt(r.otrace)} | ${r.otraceRss.toFixed(0)} MB | ${fmt(r.jaeger)} | ${r.jaegerRss.toFixed(0)} MB | ${r.ratio.toFixed(2)} |`,
  ),
  `worst case: ${worst.shape} over ${worst.protocol}, otrace receive at ${worst.ratio.toFixed(2)}× Jaeger's spans/s`,
];
process.stdout.write(`${out.join('\n')}\n`);
