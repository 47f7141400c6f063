import type { CallFamily } from '../../analysis/perf/calls.js';
import type { PerfFinding, PerfFindingKind } from '../../analysis/perf/perf-findings.js';
import type { FindingGroup, PerfReport } from '../../analysis/perf/perf-report.js';
import { formatDuration, plural } from '../format.js';
import { type Quote, TEXT_QUOTE } from '../quote.js';

/** The wording of `otrace perf`, shared by its text and JSON outputs, and of the findings `otrace show` marks. */

/** What each kind is called, in a table's narrow column. */
export const KIND_TEXT = {
  'n-plus-one': 'N+1',
  'sequential-calls': 'sequential',
  'redundant-call': 'redundant',
  'retry-storm': 'retry storm',
  'fan-out': 'fan-out',
  'pool-wait': 'pool wait',
  'lock-wait': 'lock wait',
  'slow-call': 'slow call',
} as const satisfies Record<PerfFindingKind, string>;

export const ms = (value: number): string => formatDuration(BigInt(Math.round(value * 1e6)));

/** One line: what the group's findings are, with their evidence. */
export function groupText(group: FindingGroup, q: Quote = TEXT_QUOTE): string {
  const where = `${q.name(group.service)} › ${q.name(group.name)}`;
  const shape = q.value(group.shape);
  const fewest = group.detail.minCalls ?? 0;
  const most = group.detail.maxCalls ?? 0;
  const each = fewest === most ? String(most) : `${fewest}–${most}`;
  switch (group.kind) {
    case 'n-plus-one':
      return `${where} makes ${each} ${group.family === 'db' ? 'queries' : 'calls'} one by one: ${shape}`;
    case 'sequential-calls':
      return `${where} calls one after another what could run at once: ${shape}`;
    case 'redundant-call':
      return `${where} makes the same read ${each} times: ${shape}`;
    case 'retry-storm': {
      const multiplied = group.detail.multiplied ?? most;
      return `${where} tries ${shape} ${each} times${multiplied > most ? ` (up to ${multiplied} with the retries inside)` : ''}`;
    }
    case 'fan-out':
      return `${where} makes ${each} calls: ${shape}…`;
    case 'pool-wait':
      return `${where} runs ${shape} ${group.detail.poolSize ?? '?'} at a time: ${each} calls queue`;
    case 'lock-wait':
      return `${where} (${shape}) runs one request at a time: ${each} queued together, each waiting for the one before`;
    case 'slow-call':
      return `${where}: ${shape} took far longer than its median of ${ms(group.detail.medianMs ?? 0)}`;
  }
}

export function percent(share: number): string {
  const value = share * 100;
  return value > 0 && value < 1 ? '<1%' : `${Math.round(value)}%`;
}

/** The verdict: how many traces, the findings, and the biggest saving. */
export function summaryText(report: PerfReport, q: Quote = TEXT_QUOTE): string {
  const scope = `${plural(report.traces, 'trace')} analysed`;
  if (report.groups.length === 0) return `No performance anti-patterns in ${scope}.`;
  const findings = report.groups.reduce((n, g) => n + g.count, 0);
  const saved = report.groups.reduce((n, g) => n + g.savedMs, 0);
  const top = report.groups[0]!;
  return `${plural(findings, 'finding')} in ${plural(report.groups.length, 'group')} over ${scope}; ${ms(saved)} could be saved in all, most by ${KIND_TEXT[top.kind]} in ${q.name(top.service)} › ${q.name(top.name)} (${ms(top.savedMs)}).`;
}

/** Where a finding is: the service and operation of the span that made the calls. */
const whereOf = (finding: PerfFinding, q: Quote): string =>
  `${q.name(finding.service)} › ${q.name(finding.name)}`;

/** A loop of database calls makes queries. */
const callsOf = (family: CallFamily): string => (family === 'db' ? 'queries' : 'calls');

/** What `otrace show` writes after the span that made the calls: `N+1 ×12`. */
export function findingMarker(finding: PerfFinding): string {
  switch (finding.kind) {
    case 'n-plus-one':
      return `N+1 ×${finding.count}`;
    case 'sequential-calls':
      return `sequential ×${finding.count}, ${ms(finding.savedMs)} to save`;
    case 'redundant-call':
      return `redundant ×${finding.count}`;
    case 'retry-storm':
      return `retry ×${finding.count}${finding.multiplied > finding.count ? ` (×${finding.multiplied} with the retries inside)` : ''}`;
    case 'fan-out':
      return `fan-out ×${finding.count}`;
    case 'pool-wait':
      return `pool of ${finding.poolSize}`;
    case 'lock-wait':
      return `waited ${ms(finding.savedMs)} behind ${finding.count - 1} other request(s)`;
    case 'slow-call':
      return `slow: ${ms(finding.durationMs)}, median ${ms(finding.medianMs)}`;
  }
}

/** One finding in one line, with its evidence (`groupText` for a single finding). */
export function perfFindingText(finding: PerfFinding, q: Quote = TEXT_QUOTE): string {
  const where = whereOf(finding, q);
  const shape = q.value(finding.shape);
  switch (finding.kind) {
    case 'n-plus-one':
      return `${where} makes ${finding.count} ${callsOf(finding.family)} one by one: ${shape}`;
    case 'sequential-calls':
      return `${where} makes ${finding.count} calls one after another that could run at once: ${shape}`;
    case 'redundant-call':
      return `${where} makes the same read ${finding.count} times: ${shape}`;
    case 'retry-storm':
      return `${where} tries ${shape} ${finding.count} times${finding.multiplied > finding.count ? ` (${finding.multiplied} with the retries inside)` : ''}`;
    case 'fan-out':
      return `${where} makes ${finding.count} calls of ${plural(finding.shapes, 'shape')}, the commonest ${shape}`;
    case 'pool-wait':
      return `${where} runs ${shape} ${finding.poolSize} at a time: ${finding.count} calls queue`;
    case 'lock-wait':
      return `${where} waited ${ms(finding.savedMs)} for ${shape}, queued behind ${finding.count - 1} other request(s) holding it`;
    case 'slow-call':
      return `${where}: ${shape} took ${ms(finding.durationMs)}, against a median of ${ms(finding.medianMs)}`;
  }
}

/** What to do about a finding, for "Biggest saving: …": `batch the 12 queries of user-service › GET /users/{id} (SELECT …)`. */
export function savingText(finding: PerfFinding, q: Quote = TEXT_QUOTE): string {
  const where = whereOf(finding, q);
  const shape = q.value(finding.shape);
  switch (finding.kind) {
    case 'n-plus-one':
      return `batch the ${finding.count} ${callsOf(finding.family)} of ${where} (${shape})`;
    case 'sequential-calls':
      return `run the ${finding.count} calls of ${where} at once (${shape})`;
    case 'redundant-call':
      return `read once what ${where} reads ${finding.count} times (${shape})`;
    case 'retry-storm':
      return `avoid the ${finding.count - 1} failed attempts of ${where} (${shape})`;
    case 'fan-out':
      return `make fewer than the ${finding.count} calls of ${where} (${shape})`;
    case 'pool-wait':
      return `widen the pool of ${finding.poolSize} that queues the ${finding.count} calls of ${where} (${shape})`;
    case 'lock-wait':
      return `stop ${finding.count} requests at once from queueing on ${shape} (a lock or a pool of one) in ${where}`;
    case 'slow-call':
      return `speed up ${shape} in ${where}`;
  }
}
