import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { firstIssue } from '../schema/zod-issue.js';

/** The project config file, looked for in the current directory unless `--config` names one. */
export const CONFIG_FILE = '.otrace.json';

/**
 * `.otrace.json`: what otrace cannot see in the traces. Unknown keys are refused, so that a typo
 * does not silently do nothing.
 */
export const ConfigSchema = z.strictObject({
  /** Peers outside the traced world (service names, hosts, host:port): calls to them are never flagged. */
  external: z.array(z.string().min(1)).optional(),
});
export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(path: string | undefined): Config {
  const file = path ?? CONFIG_FILE;
  if (!existsSync(file)) {
    if (path !== undefined) throw new UsageError(`${file}: no such config file`);
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `${file}: not valid JSON (${(error as Error).message})`,
      'fix the file or remove it',
    );
  }
  const result = ConfigSchema.safeParse(value);
  if (!result.success) {
    throw new UsageError(
      `${file}: ${firstIssue(result.error)}`,
      'the config file takes {"external": ["payments.example.com", "redis:6379"]}',
    );
  }
  return result.data;
}
