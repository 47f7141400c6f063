import type { PerfFindingKind } from '../../analysis/perf/perf-findings.js';
import type { FindingGroup, PerfReport } from '../../analysis/perf/perf-report.js';
import { formatDuration, plural } from '../format.js';
import { type Quote, TEXT_QUOTE } from '../quote.js';

/** The wording of `otrace perf`, shared by its text and JSON outputs. */

/** What each kind is called, in a table's narrow column. */
export const KIND_TEXT = {
  'n-plus-one': 'N+1',
  'sequential-calls': 'sequential',
  'redundant-call': 'redundant',
  'retry-storm': 'retry storm',
  'fan-out': 'fan-out',
  'pool-wait': 'pool wait',
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
