import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { loadRules, RULE_TYPES } from '../../src/pipeline/rules-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'otrace-rules-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('loadRules', () => {
  it('reads YAML, names unnamed rules by position and type, and turns durations into nanoseconds', async () => {
    const path = file(
      'otrace.rules.yaml',
      [
        'rules:',
        '  - type: no-error-origins',
        '    select: {service: user-service}',
        '  - type: duration',
        '    select: {operation: GET /orders}',
        '    p95: 250ms',
        '    max: 1.5s',
        '  - type: propagation',
        '    from: user-service',
        '    to: order-service',
      ].join('\n'),
    );
    const { file: read, rules } = await loadRules(path);
    expect(read).toBe(path);
    expect(rules).toEqual([
      {
        name: '1: no-error-origins (user-service)',
        select: { service: 'user-service' },
        type: 'no-error-origins',
      },
      {
        name: '2: duration',
        select: { operation: 'GET /orders' },
        type: 'duration',
        p50: undefined,
        p95: 250_000_000n,
        max: 1_500_000_000n,
      },
      {
        name: '3: user-service → order-service continues the trace',
        select: {},
        type: 'propagation',
        from: 'user-service',
        to: 'order-service',
      },
    ]);
  });

  it('reads JSON and keeps the names given', async () => {
    const path = file(
      'rules.json',
      JSON.stringify({ rules: [{ name: 'few spans', type: 'span-count', max: 50 }] }),
    );
    expect((await loadRules(path)).rules).toEqual([
      { name: 'few spans', select: {}, type: 'span-count', max: 50 },
    ]);
  });

  it('reads the performance rules: no-n-plus-one, max-calls (per trace or per selected span), max-sequential', async () => {
    const path = file(
      'otrace.rules.yaml',
      [
        'rules:',
        '  - type: no-n-plus-one',
        '    select: {service: user-service}',
        '  - type: max-calls',
        '    max: 50',
        '  - type: max-calls',
        '    select: {operation: "GET /users/{id}"}',
        '    max: 10',
        '  - type: max-sequential',
        '    max: 3',
      ].join('\n'),
    );
    expect((await loadRules(path)).rules).toEqual([
      { name: '1: no-n-plus-one (user-service)', select: { service: 'user-service' }, type: 'no-n-plus-one' },
      { name: '2: max-calls', select: {}, type: 'max-calls', max: 50 },
      { name: '3: max-calls', select: { operation: 'GET /users/{id}' }, type: 'max-calls', max: 10 },
      { name: '4: max-sequential', select: {}, type: 'max-sequential', max: 3 },
    ]);
    expect(RULE_TYPES).toEqual(expect.arrayContaining(['no-n-plus-one', 'max-calls', 'max-sequential']));
    for (const rule of [
      { type: 'max-calls' },
      { type: 'max-calls', max: -1 },
      { type: 'max-sequential', max: 0 },
      { type: 'max-sequential', max: 2.5 },
      { type: 'no-n-plus-one', max: 3 },
    ]) {
      const bad = file('bad.json', JSON.stringify({ rules: [rule] }));
      await expect(loadRules(bad), JSON.stringify(rule)).rejects.toThrow(UsageError);
    }
  });

  it('refuses an unknown rule type, listing the types the schema knows', async () => {
    const path = file('rules.json', JSON.stringify({ rules: [{ type: 'no-errors-at-all' }] }));
    const error = (await loadRules(path).catch((e: unknown) => e)) as UsageError;
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message.startsWith(`${path}: `)).toBe(true);
    expect(error.hint).toContain(`rule types: ${RULE_TYPES.join(', ')}`);
    expect(RULE_TYPES).toContain('no-error-origins');
    expect(RULE_TYPES).toContain('propagation');
  });

  it('refuses a duration that is not one, a missing file and unreadable YAML', async () => {
    const bad = file('rules.json', JSON.stringify({ rules: [{ type: 'duration', p95: 'fast' }] }));
    await expect(loadRules(bad)).rejects.toThrow(UsageError);
    const missing = join(dir, 'missing.yaml');
    await expect(loadRules(missing)).rejects.toThrow(`${missing}: no such rules file`);
    const broken = file('broken.yaml', 'rules: [\n');
    await expect(loadRules(broken)).rejects.toThrow(/cannot be read/);
  });
});
