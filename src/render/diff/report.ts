import type { PlaceDiff, TraceDiff } from '../../analysis/diff/diff-traces.js';
import { quoteName } from '../quote.js';
import type { Report, ReportCheck } from '../report.js';
import { buildDiffDocument, type DiffVerdictOptions, placeOf } from './json.js';
import { type DiffTextOptions, renderDiffText } from './text.js';
import { changeText, summaryText, verdictText } from './words.js';

/** Places beyond this many are one check saying how many more there are (a 70,000-level chain). */
const MAX_PLACE_CHECKS = 200;

/**
 * The `otrace diff` result as a Report. Its checks: the critical path (failed when B is slower
 * and `--fail-on slower`), then a check per place that is not unchanged, failed where `--fail-on`
 * names what it shows (a new error: `error`; anything: `any`). Without `--fail-on`, every check
 * passes: the diff is information.
 */
export function diffReport(
  diff: TraceDiff,
  verdict: DiffVerdictOptions,
  textOptions: Omit<DiffTextOptions, 'style'>,
): Report {
  const doc = buildDiffDocument(diff, verdict);
  const failOn = new Set(verdict.failOn);
  const slowerFails = diff.verdict === 'slower' && (failOn.has('slower') || failOn.has('any'));
  const pathFails = slowerFails || (diff.verdict !== 'same' && failOn.has('any'));
  const moved = diff.places.filter((p) => p.state !== 'unchanged');
  const placeChecks = moved.slice(0, MAX_PLACE_CHECKS).map(
    (p, i): ReportCheck => ({
      name: `#${i + 1} ${p.state} ${quoteName(p.place.service)} › ${quoteName(p.place.name)}`,
      ...placeVerdict(p, failOn),
      message: placeMessage(p),
      traceId: diff.b.traceId,
    }),
  );
  if (moved.length > MAX_PLACE_CHECKS) {
    const rest = moved.slice(MAX_PLACE_CHECKS);
    const failing = rest.filter((p) => placeVerdict(p, failOn).status === 'failed').length;
    placeChecks.push({
      name: `${rest.length} more places`,
      status: failing > 0 ? 'failed' : 'passed',
      severity: 'error',
      message: `${rest.length} more changed places (${failing} failing the run); see --format json`,
      traceId: diff.b.traceId,
    });
  }
  const checks: ReportCheck[] = [
    {
      name: 'critical path',
      status: pathFails ? 'failed' : 'passed',
      severity: 'error',
      message: verdictText(diff),
      traceId: diff.b.traceId,
    },
    ...placeChecks,
  ];
  return {
    command: 'otrace diff',
    title: `Diff of trace ${diff.a.traceId} and trace ${diff.b.traceId}`,
    summary: summaryText(diff),
    json: doc,
    items: diff.places.map(placeOf),
    text: (style) => renderDiffText(diff, { ...textOptions, style }),
    checks,
  };
}

function placeVerdict(
  place: PlaceDiff,
  failOn: ReadonlySet<string>,
): Pick<ReportCheck, 'status' | 'severity'> {
  const fails = failOn.has('any') || (place.newError && failOn.has('error'));
  if (fails) return { status: 'failed', severity: 'error' };
  return { status: 'passed', severity: place.newError ? 'warning' : 'notice' };
}

function placeMessage(place: PlaceDiff): string {
  const said = place.changes.map((c) => changeText(c));
  if (place.state === 'added') said.unshift('only in B');
  if (place.state === 'removed') said.unshift('only in A');
  return said.join('; ');
}
