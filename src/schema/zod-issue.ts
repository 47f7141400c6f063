import type { ZodError } from 'zod';
import { formatPath } from './decode-context.js';

/** zod's first issue as otrace says where things are: `rules[2].p95: <what zod said>`. */
export function firstIssue(error: ZodError): string {
  const issue = error.issues[0]!;
  return `${formatPath(issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)))}: ${issue.message}`;
}
