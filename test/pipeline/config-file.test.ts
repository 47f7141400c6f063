import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { loadConfig } from '../../src/pipeline/config-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'otrace-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const file = (content: string) => {
  const path = join(dir, '.otrace.json');
  writeFileSync(path, content);
  return path;
};

describe('loadConfig', () => {
  it('reads the external peers', () => {
    expect(loadConfig(file('{"external": ["payments.example.com", "redis:6379"]}'))).toEqual({
      external: ['payments.example.com', 'redis:6379'],
    });
  });

  it('refuses a named file that is missing', () => {
    const missing = join(dir, 'nope.json');
    expect(() => loadConfig(missing)).toThrow(new UsageError(`${missing}: no such config file`));
  });

  it('refuses an unknown key, so that a typo does not silently do nothing', () => {
    const path = file('{"externals": ["x"]}');
    const error = (() => {
      try {
        loadConfig(path);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*externals`),
    );
    expect((error as UsageError).hint).toContain('{"external"');
  });

  it('refuses text that is not JSON, with what to do', () => {
    const error = (() => {
      try {
        loadConfig(file('{external: [}'));
      } catch (e) {
        return e as UsageError;
      }
    })();
    expect(error?.message).toMatch(/: not valid JSON \(/);
    expect(error?.hint).toBe('fix the file or remove it');
  });
});
