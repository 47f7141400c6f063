import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeExport } from '../../../bench/make-export.mjs';
import { CompareBaselineDocumentSchema } from '../../../src/render/contracts/compare.js';
import { writeShopRun } from '../../helpers/compare-runs.js';
import { runCli } from '../../helpers/run-cli.js';

/**
 * Unchanged code compares clean: two runs from different seeds of the same generator differ only
 * by chance, and `compare --fail-on regression` must pass them. At 99% confidence a false
 * regression is allowed in 1% of comparisons; each generator runs 20 seed pairs here and none
 * may report one (the false-regression rate, printed). Two generators: the benchmark's export
 * (make-export.mjs: 8% failing requests, 2% split traces, durations of little spread) and the
 * shop of compare-runs.ts (lognormal durations, a factor shared by each trace).
 */
const dir = mkdtempSync(join(tmpdir(), 'otrace-compare-clean-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PAIRS = 20;
const seeds = Array.from({ length: PAIRS }, (_, i) => [1000 + 2 * i, 1001 + 2 * i] as const);

const GENERATORS = {
  'make-export': async (path: string, seed: number) => {
    // 3,000 spans: some 150 requests through five services.
    await makeExport(path, 3_000, seed);
  },
  shop: async (path: string, seed: number) => {
    writeShopRun(path, 200, seed);
  },
} as const;

describe.each(Object.keys(GENERATORS) as (keyof typeof GENERATORS)[])(
  'otrace compare on unchanged code (%s)',
  (generator) => {
    const outcomes: { regressions: number; improvements: number }[] = [];

    it.each(seeds)('seeds %i and %i: no regression, exit 0 with --fail-on regression', async (a, b) => {
      const baseline = join(dir, `${generator}-${a}.jsonl`);
      const candidate = join(dir, `${generator}-${b}.jsonl`);
      await GENERATORS[generator](baseline, a);
      await GENERATORS[generator](candidate, b);
      const flags = ['--fail-on', 'regression', '--format', 'json'];
      const { code, stdout, stderr } = await runCli(['compare', '--baseline', baseline, candidate, ...flags]);
      rmSync(baseline);
      rmSync(candidate);
      expect(stderr).toBe('');
      const doc = CompareBaselineDocumentSchema.parse(JSON.parse(stdout));
      outcomes.push({ regressions: doc.summary.regressions, improvements: doc.summary.improvements });
      // Something was compared: a clean result is not an empty one.
      expect(doc.summary.compared.operations).toBeGreaterThanOrEqual(8);
      expect(doc.findings.filter((f) => f.kind.endsWith('-regression'))).toEqual([]);
      expect(doc.summary.verdict).toBe('no-regression');
      expect(code).toBe(0);
    });

    it(`false-regression rate over ${PAIRS} seed pairs: 0`, () => {
      expect(outcomes).toHaveLength(PAIRS);
      const falseRegressions = outcomes.filter((o) => o.regressions > 0).length;
      const falseImprovements = outcomes.filter((o) => o.improvements > 0).length;
      console.log(
        `compare (${generator}): ${falseRegressions} of ${PAIRS} comparisons of unchanged code reported a regression, ${falseImprovements} an improvement`,
      );
      expect(falseRegressions).toBe(0);
    });
  },
);
