import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/run-cli.js';

/**
 * The rule docs/ARCHITECTURE.md states, checked on every import in src/ (static, dynamic and
 * type-only): a folder imports only from the ones before it in LAYERS (and from itself), and no
 * file imports itself through others.
 */
const LAYERS = ['errors.ts', 'model', 'schema', 'sources', 'analysis', 'pipeline', 'render', 'cli'] as const;
const SRC = join(REPO_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Each file's imports within src/, as paths relative to src/ (`.js` specifiers name `.ts` files). */
const graph = new Map(
  sourceFiles(SRC).map((file) => {
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1]!);
    const targets = specifiers.map((s) => relative(SRC, resolve(dirname(file), s.replace(/\.js$/, '.ts'))));
    return [relative(SRC, file), targets] as const;
  }),
);
const layerOf = (path: string) => LAYERS.indexOf(path.split('/')[0] as (typeof LAYERS)[number]);

describe('imports in src/', () => {
  it('were found: every file is in a layer, and the graph has imports', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect([...graph.keys()].filter((path) => layerOf(path) < 0)).toEqual([]);
    expect([...graph.values()].flat().length).toBeGreaterThan(300);
  });

  it('go one way: from a layer to itself or an earlier one', () => {
    const backwards = [...graph].flatMap(([from, targets]) =>
      targets.filter((to) => layerOf(to) > layerOf(from)).map((to) => `${from} → ${to}`),
    );
    expect(backwards).toEqual([]);
  });

  it('make no cycle between files', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'open');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });
});
