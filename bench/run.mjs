// npm run bench: otrace against a baseline run side by side on the same synthetic Collector
// exports, reporting wall time and peak memory and their ratios to the baseline. The baseline
// streams the file and parses every line, keeping nothing: what reading the input costs at least.
//   node bench/run.mjs [--spans 600000] [--runs 3]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXPORT_VERSION, makeExport } from './make-export.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SIZES = args.includes('--spans') ? [option('--spans', 600_000)] : [60_000, 600_000];
const RUNS = option('--runs', 3);

/** Runs node with `command` (peak RSS read through the preload), or another program (time only). */
function measure(command, program = process.execPath) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const args =
      program === process.execPath ? ['--import', join(ROOT, 'bench/peak-rss.mjs'), ...command] : command;
    const child = spawn(program, args, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const rss = Number(stderr.match(/bench:maxRSS=(\d+)/)?.[1] ?? Number.NaN) / 1024;
      // otrace errors exits 1 when it finds errors: that is a result, not a failure.
      if (code !== 0 && code !== 1)
        reject(new Error(`${command.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`));
      else resolve({ ms, rss });
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function bench(label, command, runs, program) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await measure(command, program));
  return { label, ms: median(results.map((r) => r.ms)), rss: Math.max(...results.map((r) => r.rss)) };
}

const hasJq = spawnSync('jq', ['--version']).status === 0;
if (!hasJq) process.stderr.write('jq is not installed: its row is left out\n');

const dir = join(tmpdir(), 'otrace-bench');
mkdirSync(dir, { recursive: true });
const rows = [];
for (const spans of SIZES) {
  const file = join(dir, `export-v${EXPORT_VERSION}-${spans}.jsonl`);
  if (!existsSync(file)) {
    process.stderr.write(`writing ${file}…\n`);
    await makeExport(file, spans);
  }
  const mb = statSync(file).size / 1e6;
  const runs = spans > 100_000 ? 1 : RUNS;
  const otrace = (...rest) => ['bin/otrace.js', ...rest];
  const baseline = await bench('baseline: parse every line', ['bench/parse-only.mjs', file], runs);
  const cases = [
    baseline,
    await bench('otrace list', otrace('list', '-f', file, '--format', 'json'), runs),
    await bench('otrace errors', otrace('errors', '-f', file, '--format', 'json'), runs),
    await bench(
      'otrace check-propagation',
      otrace('check-propagation', '-f', file, '--format', 'json'),
      runs,
    ),
    ...(hasJq
      ? [
          await bench(
            'jq: the error spans',
            ['-c', '.resourceSpans[]?.scopeSpans[].spans[] | select(.status.code == 2) | .traceId', file],
            runs,
            'jq',
          ),
        ]
      : []),
  ];
  for (const c of cases)
    rows.push({
      input: `${spans.toLocaleString('en')} spans, ${mb.toFixed(0)} MB`,
      case: c.label,
      'time (s)': (c.ms / 1000).toFixed(2),
      'time ×': (c.ms / baseline.ms).toFixed(2),
      // jq's memory is not measured: only node children report theirs.
      'peak RSS (MB)': Number.isNaN(c.rss) ? 'n/a' : c.rss.toFixed(0),
      'RSS ×': Number.isNaN(c.rss) ? 'n/a' : (c.rss / baseline.rss).toFixed(2),
      'µs/span': ((c.ms * 1000) / spans).toFixed(1),
    });
}
// Start-up: what every invocation pays before reading anything.
const bare = await bench('node -e 0', ['-e', '0'], 5);
const version = await bench('otrace --version', ['bin/otrace.js', '--version'], 5);
for (const c of [bare, version])
  rows.push({
    input: 'start-up',
    case: c.label,
    'time (s)': (c.ms / 1000).toFixed(3),
    'time ×': (c.ms / bare.ms).toFixed(2),
    'peak RSS (MB)': c.rss.toFixed(0),
    'RSS ×': (c.rss / bare.rss).toFixed(2),
    'µs/span': '',
  });
console.table(rows);
