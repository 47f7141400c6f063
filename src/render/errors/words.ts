import type { ErrorClass, FailurePoint } from '../../analysis/error-records.js';
import type { ErrorReport } from '../../analysis/group-errors.js';
import { plural } from '../format.js';
import { type Quote, TEXT_QUOTE } from '../quote.js';

/**
 * The wording of `otrace errors`, shared by its text and JSON outputs: span data through `q`, cut as
 * the text formats cut it unless the JSON document asks for it whole.
 */

export const CLASS_TEXT = {
  origin: 'origin',
  timeout: 'timeout',
  propagated: 'propagated',
  recovered: 'recovered',
} as const satisfies Record<ErrorClass, string>;

/** `order-service › query_orders`, or `user-service › GET → 127.0.0.1:5432` for a call. */
export function pointText(point: Omit<FailurePoint, 'errorType'>, q: Quote = TEXT_QUOTE): string {
  const peer = point.peer ? ` → ${q.name(point.peer)}` : '';
  return `${q.name(point.service)} › ${q.name(point.operation)}${peer}`;
}

export function percent(part: number, whole: number): string {
  if (whole === 0) return '0%';
  const value = (100 * part) / whole;
  return value > 0 && value < 1 ? '<1%' : `${Math.round(value)}%`;
}

/** The paragraph under the table: how much failed, and where most failures start. */
export function summaryText(report: ErrorReport, failing: number, q: Quote = TEXT_QUOTE): string {
  const who = report.service === undefined ? '' : ` in ${q.name(report.service)}`;
  const scope = `${plural(report.tracesAnalysed, 'trace')} analysed`;
  if (report.errorSpans === 0) return `No errors${who} in ${scope}.`;
  const downstream = report.groups.filter((g) => g.where === 'downstream').reduce((n, g) => n + g.count, 0);
  const spans =
    report.service === undefined
      ? plural(report.errorSpans, 'failing span')
      : `${plural(report.errorSpans - downstream, 'failing span')} in ${q.name(report.service)}${
          downstream > 0 ? ` and ${downstream} below it` : ''
        }`;
  const sentences = [
    `${spans} in ${plural(report.tracesWithErrors, 'trace')} (${percent(report.tracesWithErrors, report.tracesAnalysed)} of ${scope}).`,
  ];
  const top = report.topOrigin;
  if (top) {
    const where =
      report.service === undefined
        ? `of the ${plural(top.failingTraces, 'trace')} with an unrecovered failure`
        : `of the ${plural(top.failingTraces, 'trace')} where ${q.name(report.service)} failed`;
    sentences.push(
      `${percent(top.traces, top.failingTraces)} ${where} trace back to ${pointText(top.point, q)}: ${q.value(top.point.errorType)}.`,
    );
  } else if (report.origins > 1) {
    sentences.push(`They go back to ${report.origins} different origins, none more often than the others.`);
  }
  const recovered = report.groups
    .filter((g) => g.errorClass === 'recovered')
    .reduce((n, g) => n + g.count, 0);
  if (recovered > 0) sentences.push(`${plural(recovered, 'failing span')} recovered (retried or handled).`);
  if (failing === 0) sentences.push('Nothing at or above --fail-on.');
  return sentences.join(' ');
}
