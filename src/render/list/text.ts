import Table from 'cli-table3';
import type { TraceSummary } from '../../model/summary.js';
import { formatDuration, isoTime } from '../format.js';
import { quoteName } from '../quote.js';
import type { Style } from '../style.js';
import { cut } from '../width.js';

/** One row per trace, widest column (the root operation) cut to fit `width`. */
export function renderListText(summaries: readonly TraceSummary[], style: Style, width: number): string {
  const rootWidth = Math.max(20, width - 32 - 24 - 8 - 10 - 8 - 16);
  const table = new Table({
    head: ['trace id', 'start (UTC)', 'root', 'spans', 'duration', 'errors'],
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right'],
  });
  for (const s of summaries) {
    // A backend's summary of a trace without a root names no root at all.
    const named =
      s.rootName === '' && s.rootService === ''
        ? ''
        : `${quoteName(s.rootName)} (${quoteName(s.rootService)})`;
    const root = s.rootMissing ? `${named} [root missing]`.trimStart() : named;
    table.push([
      s.traceId,
      isoTime(s.start).replace('T', ' ').replace('Z', ''),
      cut(root, rootWidth),
      String(s.spanCount),
      formatDuration(BigInt(Math.round(s.durationMs * 1e6))),
      s.errorCount > 0 ? style.error(String(s.errorCount)) : '0',
    ]);
  }
  return `${table.toString()}\n`;
}
