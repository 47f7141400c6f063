import { UsageError } from '../errors.js';

export function parseCount(text: string, option: string, min = 0): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) {
    throw new UsageError(
      `${option} ${JSON.stringify(text)}: expected a whole number${min > 0 ? ` ≥ ${min}` : ''}`,
    );
  }
  return Number(text);
}
