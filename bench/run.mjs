// npm run bench: otrace against baselines run side by side, on inputs written here from a seed.
//   node bench/run.mjs [--sizes 10,400] [--shapes collector,…] [--cases errors,perf,…] [--runs 3] [--skip exports,formats,traces,html,startup]
// Exports: a synthetic Collector file export (OTLP JSON Lines) of each size in MB, in each shape
// of make-export.mjs's SHAPES (error rates, one trace to hundreds a line, batch processors,
// traces open across the file, heavy attributes, wide fan-out). Each otrace command is timed
// against the floor, a bare script that streams the same file, parses every line and visits every
// span (what reading the input costs at least), and against jq running the simplest error filter,
// when jq is installed. The targets are checked on the worst shape. Formats: the default shape as
// OTLP protobuf (make-formats.mjs), against the floor of its JSON, as exports are; a Zipkin
// document of its 20,000-span sample against a bare JSON.parse of it, for information. Traces:
// `show` on one trace of 10,000 and 100,000 spans, wide and deep (a 100,000-level chain), as OTLP
// JSON and as Zipkin v2, the documents a backend answers: the growth should be linear; and each
// written with `--format html`, the page opened in Chromium (html-open.mjs; `--skip html` leaves
// it out): its first render, the rows it keeps in the DOM while scrolling, its size. Start-up:
// `otrace --version` against `node -e 0`. Wall time is the median of the runs; peak memory the
// highest resident set size seen. The targets are checked at the end.
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { EXPORT_VERSION, makeExport, SHAPES } from './make-export.mjs';
import { makeTrace } from './make-trace.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const SIZES_MB = option('--sizes', '10,400').split(',').map(Number);
const SHAPE_NAMES = option('--shapes', Object.keys(SHAPES).join(',')).split(',');
for (const name of SHAPE_NAMES)
  if (!SHAPES[name]) throw new Error(`no export shape ${name}: ${Object.keys(SHAPES).join(', ')}`);
const RUNS = Number(option('--runs', '3'));
const SKIP = new Set(option('--skip', '').split(',').filter(Boolean));
// Only these cases of the exports (the floor is always run: every ratio is against it).
const CASES = option('--cases', '').split(',').filter(Boolean);

// jq is measured through GNU time where it exists; node children report their own peak.
const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M', 'true']).status === 0;
const hasJq = spawnSync('jq', ['--version']).status === 0;
if (!hasJq) process.stderr.write('jq is not installed: its rows are left out\n');

/** Runs node with `command` (peak RSS through the preload), or another program (through GNU time). */
function measure(command, program = process.execPath, env = {}) {
  const isNode = program === process.execPath;
  const [file, argv] = isNode
    ? [program, ['--import', join(ROOT, 'bench/peak-rss.mjs'), ...command]]
    : hasGnuTime
      ? [GNU_TIME, ['-f', 'bench:maxRSS=%M', program, ...command]]
      : [program, command];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
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
      // otrace exits 1 when it finds errors: that is a result, not a failure.
      if (code !== 0 && code !== 1)
        reject(new Error(`${command.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`));
      else resolve({ ms, rss });
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Measures cases side by side: each run goes once through every case, so that a machine that
 * slows down or speeds up during the bench does so for all of them alike.
 */
async function benchAll(cases) {
  const results = Object.fromEntries(Object.keys(cases).map((key) => [key, []]));
  for (let i = 0; i < RUNS; i++)
    for (const [key, c] of Object.entries(cases))
      results[key].push(await measure(c.command, c.program, c.env));
  return Object.fromEntries(
    Object.entries(cases).map(([key, c]) => [
      key,
      {
        label: c.label,
        ms: median(results[key].map((r) => r.ms)),
        rss: Math.max(...results[key].map((r) => r.rss)),
      },
    ]),
  );
}

/** The id of the first trace in an export: what `show <id>` is asked for. */
async function firstTraceId(file) {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    lines.close();
    return JSON.parse(line).resourceSpans[0].scopeSpans[0].spans[0].traceId;
  }
  throw new Error(`${file} is empty`);
}

const dir = join(tmpdir(), 'otrace-bench');
mkdirSync(dir, { recursive: true });
const otrace = (...rest) => ['bin/otrace.js', ...rest];
const rows = [];
const results = {};
const row = (input, c, base, spans) => {
  rows.push({
    input,
    case: c.label,
    'time (s)': (c.ms / 1000).toFixed(c.ms < 1000 ? 3 : 2),
    'time ×': base ? (c.ms / base.ms).toFixed(2) : '',
    'peak RSS (MB)': Number.isNaN(c.rss) ? 'n/a' : c.rss.toFixed(0),
    'RSS ×': base && !Number.isNaN(c.rss) ? (c.rss / base.rss).toFixed(2) : '',
    'µs/span': spans ? ((c.ms * 1000) / spans).toFixed(1) : '',
  });
};

/** Bytes per span of an export shape, from a sample written once: sizes in MB become span counts. */
async function bytesPerSpan(shape) {
  const sample = join(dir, `sample-v${EXPORT_VERSION}-${shape}.jsonl`);
  const { spans, bytes } = await makeExport(sample, 20_000, 42, shape);
  return bytes / spans;
}

// The smallest export of each shape: the baseline `compare` reads against each larger one.
const baselineOf = {};
if (!SKIP.has('exports')) {
  for (const mb of [...SIZES_MB].sort((a, b) => a - b)) {
    results[mb] = {};
    for (const shape of SHAPE_NAMES) {
      const spans = Math.round((mb * 1e6) / (await bytesPerSpan(shape)));
      const file = join(dir, `export-v${EXPORT_VERSION}-${shape}-${spans}.jsonl`);
      if (!existsSync(file)) {
        process.stderr.write(`writing ${file}…\n`);
        await makeExport(file, spans, 42, shape);
      }
      const input = `${shape}: ${spans.toLocaleString('en')} spans, ${(statSync(file).size / 1e6).toFixed(0)} MB`;
      process.stderr.write(`${input}\n`);
      const cases = await benchAll(onlyAsked(exportCases(file, await firstTraceId(file), baselineOf[shape])));
      baselineOf[shape] ??= file;
      const { floor } = cases;
      for (const c of Object.values(cases)) if (c) row(input, c, floor, spans);
      results[mb][shape] = cases;
    }
  }
}

function onlyAsked(cases) {
  if (CASES.length === 0) return cases;
  return Object.fromEntries(Object.entries(cases).filter(([key]) => key === 'floor' || CASES.includes(key)));
}

function exportCases(file, traceId, baseline) {
  return {
    // A test run against a small baseline run of the same shape (another size, so other traces).
    ...(baseline && {
      compare: {
        label: `otrace compare --baseline <${(statSync(baseline).size / 1e6).toFixed(0)} MB export>`,
        command: otrace('compare', '--baseline', baseline, '-f', file, '--format', 'json'),
      },
    }),
    floor: { label: 'floor: parse every line, visit every span', command: ['bench/parse-only.mjs', file] },
    errors: { label: 'otrace errors', command: otrace('errors', '-f', file, '--format', 'json') },
    // Big files are read by worker threads (see src/pipeline/parallel/); this is one thread.
    errorsOneThread: {
      label: 'otrace errors, OTRACE_THREADS=1',
      command: otrace('errors', '-f', file, '--format', 'json'),
      env: { OTRACE_THREADS: '1' },
    },
    checkPropagation: {
      label: 'otrace check-propagation',
      command: otrace('check-propagation', '-f', file, '--format', 'json'),
    },
    list: { label: 'otrace list', command: otrace('list', '-f', file, '--format', 'json') },
    perf: { label: 'otrace perf', command: otrace('perf', '-f', file, '--format', 'json') },
    show: {
      label: 'otrace show <id> --format json',
      command: otrace('show', traceId, '-f', file, '--format', 'json'),
    },
    ...(hasJq
      ? {
          jq: {
            label: 'jq: the error spans',
            command: [
              '-c',
              '.resourceSpans[]?.scopeSpans[].spans[] | select(.status.code == 2) | .traceId',
              file,
            ],
            program: 'jq',
          },
        }
      : {}),
  };
}

// The other formats, made from the default shape's export: OTLP protobuf as the Collector file
// exporter writes it (timed against the JSON floor of the same spans), and Zipkin v2 as one
// document (a whole document is parsed at once, so it is made from the 20,000-span sample and
// timed against a bare JSON.parse of it).
if (!SKIP.has('formats') && SHAPE_NAMES.includes('collector')) {
  const { toProtobuf, toZipkin } = await import('./make-formats.mjs');
  const mb = Math.max(...SIZES_MB);
  const spans = Math.round((mb * 1e6) / (await bytesPerSpan('collector')));
  const jsonl = join(dir, `export-v${EXPORT_VERSION}-collector-${spans}.jsonl`);
  const proto = join(dir, `export-v${EXPORT_VERSION}-collector-${spans}.pb`);
  if (!existsSync(jsonl)) await makeExport(jsonl, spans, 42, 'collector');
  if (!existsSync(proto)) await toProtobuf(jsonl, proto);
  const input = `collector as OTLP protobuf: ${spans.toLocaleString('en')} spans, ${(statSync(proto).size / 1e6).toFixed(0)} MB`;
  process.stderr.write(`${input}\n`);
  const protoCases = await benchAll({
    floor: { label: 'floor: the same spans as JSON Lines', command: ['bench/parse-only.mjs', jsonl] },
    errors: { label: 'otrace errors', command: otrace('errors', '-f', proto, '--format', 'json') },
    list: { label: 'otrace list', command: otrace('list', '-f', proto, '--format', 'json') },
  });
  for (const c of Object.values(protoCases)) row(input, c, protoCases.floor, spans);
  results.protobuf = protoCases;
  const sample = join(dir, `sample-v${EXPORT_VERSION}-collector.jsonl`);
  const zipkin = join(dir, `sample-v${EXPORT_VERSION}-collector.zipkin.json`);
  if (!existsSync(zipkin)) await toZipkin(sample, zipkin);
  const zipkinInput = `collector sample as one Zipkin document: 20,000 spans, ${(statSync(zipkin).size / 1e6).toFixed(0)} MB`;
  const zipkinCases = await benchAll({
    floor: {
      label: 'floor: JSON.parse the document, visit every span',
      command: ['bench/parse-whole.mjs', zipkin],
    },
    errors: { label: 'otrace errors', command: otrace('errors', '-f', zipkin, '--format', 'json') },
  });
  for (const c of Object.values(zipkinCases)) row(zipkinInput, c, zipkinCases.floor, 20_000);
  results.zipkin = zipkinCases;
}

const pageRows = [];
if (!SKIP.has('traces')) {
  const { toZipkin } = await import('./make-formats.mjs');
  const { measureHtmlPages, pageRow, whyNoBrowser } = await import('./html-open.mjs');
  const withHtml = !SKIP.has('html');
  const noBrowser = withHtml ? whyNoBrowser() : undefined;
  if (noBrowser) process.stderr.write(`${noBrowser}: the rows of the html page in a browser are left out\n`);
  const pages = [];
  for (const shape of ['wide', 'deep']) {
    for (const spans of [10_000, 100_000]) {
      const file = join(dir, `trace-${shape}-${spans}.json`);
      if (!existsSync(file)) await makeTrace(file, spans, shape);
      const input = `one ${shape} trace, ${spans.toLocaleString('en')} spans`;
      // The same trace as a Zipkin v2 document, as Zipkin's /api/v2/trace/{id} answers it.
      const zipkin = join(dir, `trace-${shape}-${spans}.zipkin.json`);
      if (!existsSync(zipkin)) await toZipkin(file, zipkin);
      const page = join(dir, `trace-${shape}-${spans}.html`);
      const writePage = withHtml && ['show', await firstTraceId(file), '-f', file, '--format', 'html'];
      const { json, text, zipkinJson, html } = await benchAll({
        json: { label: 'otrace show --format json', command: otrace('show', '-f', file, '--format', 'json') },
        text: { label: 'otrace show', command: otrace('show', '-f', file) },
        zipkinJson: {
          label: 'otrace show --format json, as Zipkin v2',
          command: otrace('show', '-f', zipkin, '--format', 'json'),
        },
        ...(writePage && {
          html: {
            label: 'otrace show <id> --format html --output <page>',
            command: otrace(...writePage, '--output', page),
          },
        }),
      });
      for (const c of [json, text, zipkinJson, html]) if (c) row(input, c, undefined, spans);
      results[`${shape}-${spans}`] = { json, text, zipkinJson, html };
      if (withHtml && !noBrowser) pages.push({ key: `${shape}-${spans}`, path: page, spans, input });
    }
  }
  if (pages.length > 0) {
    const measured = await measureHtmlPages(pages, RUNS);
    for (const { key, input } of pages) {
      results[key].page = measured[key];
      pageRows.push(pageRow(input, measured[key]));
    }
  }
}

if (!SKIP.has('startup')) {
  const { bare, version } = await benchAll({
    bare: { label: 'node -e 0', command: ['-e', '0'] },
    version: { label: 'otrace --version', command: otrace('--version') },
  });
  row('start-up', bare, bare);
  row('start-up', version, bare);
  results.startup = { bare, version };
}

console.table(rows);
if (pageRows.length > 0) console.table(pageRows);

// The targets, each with what was measured.
const checks = [];
const check = (target, measured, met) => checks.push({ target, measured, met: met ? 'yes' : 'NO' });
const largest = results[Math.max(...SIZES_MB)];
if (largest && Object.keys(largest).length > 0) {
  // Each target on the shape where it is hardest: the worst ratio, the highest peak.
  const shapes = Object.entries(largest);
  const worst = (measure) =>
    shapes.map(([shape, cases]) => ({ shape, value: measure(cases) })).sort((a, b) => b.value - a.value)[0];
  const say = ({ shape, value }, unit) => `${value.toFixed(2)}${unit} (${shape})`;
  for (const [name, key] of [
    ['errors', 'errors'],
    ['list', 'list'],
    ['check-propagation', 'checkPropagation'],
    ['perf', 'perf'],
  ]) {
    if (!shapes.every(([, c]) => c[key])) continue;
    const time = worst((c) => c[key].ms / c.floor.ms);
    check(`${name} within 1.25× of the floor, worst shape`, say(time, '×'), time.value <= 1.25);
    // jq's filter finds failed spans: a baseline for the commands that look for them.
    if (hasJq && key !== 'perf' && shapes.every(([, c]) => c.jq)) {
      // Slowest against jq: the smallest jq/otrace ratio.
      const speed = shapes
        .map(([shape, c]) => ({ shape, value: c.jq.ms / c[key].ms }))
        .sort((a, b) => a.value - b.value)[0];
      check(`${name} at least 2× faster than jq, worst shape`, say(speed, '×'), speed.value >= 2);
    }
  }
  for (const [name, key] of [
    ['errors', 'errors'],
    ['check-propagation', 'checkPropagation'],
    ['list', 'list'],
    ['perf', 'perf'],
    ['compare --baseline', 'compare'],
    ['show', 'show'],
  ]) {
    if (!shapes.every(([, c]) => c[key])) continue;
    const peak = worst((c) => c[key].rss);
    check(
      `${name}: peak memory under 350 MB (${Math.max(...SIZES_MB)} MB export), worst shape`,
      say(peak, ' MB'),
      peak.value < 350,
    );
  }
}
if (results.protobuf) {
  const { floor, errors, list } = results.protobuf;
  for (const [name, c] of [
    ['errors', errors],
    ['list', list],
  ])
    check(
      `${name} on the same export as OTLP protobuf within 1.25× of its JSON floor`,
      `${(c.ms / floor.ms).toFixed(2)}×, ${c.rss.toFixed(0)} MB`,
      c.ms / floor.ms <= 1.25 && c.rss < 350,
    );
}
for (const shape of ['wide', 'deep']) {
  const small = results[`${shape}-10000`];
  const big = results[`${shape}-100000`];
  if (!small || !big) continue;
  // Both formats: the text tree measures every line's width, which once took 1.8 s on a 10,000-level chain.
  for (const [format, key] of [
    ['show --format json', 'json'],
    ['show', 'text'],
    ['show --format json on Zipkin v2', 'zipkinJson'],
  ]) {
    check(
      `${format}, ${shape} 100,000 spans, under 2 s`,
      `${(big[key].ms / 1000).toFixed(2)} s`,
      big[key].ms < 2000,
    );
    // Linear: ten times the spans take at most ten times as long (start-up makes it less).
    const growth = big[key].ms / small[key].ms;
    check(`${format}, ${shape}: 10× the spans, at most 10× the time`, `${growth.toFixed(1)}×`, growth <= 10);
  }
  if (big.page) {
    const { firstRenderMs, rows: inDom } = big.page;
    check(
      `show --format html, ${shape} 100,000 spans, first render under 2 s`,
      `${(firstRenderMs / 1000).toFixed(2)} s`,
      firstRenderMs < 2000,
    );
    // None at all would be a page that drew nothing, not a bounded one.
    const most = Math.max(inDom.middle, inDom.end);
    check(
      `rows in the DOM bounded while scrolling (< 200), ${shape} 100,000 spans`,
      `${inDom.middle} in the middle, ${inDom.end} at the end`,
      most < 200 && Math.min(inDom.middle, inDom.end) > 0,
    );
  }
}
if (results.startup) {
  const { bare, version } = results.startup;
  check(
    'start-up within 2× of bare node',
    `${(version.ms / bare.ms).toFixed(2)}×`,
    version.ms <= 2 * bare.ms,
  );
}
console.table(checks);
