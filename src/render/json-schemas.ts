import { z } from 'zod';
import { AssertDocumentSchema } from './contracts/assert.js';
import { CompareDocumentSchema } from './contracts/compare.js';
import { DiffDocumentSchema } from './contracts/diff.js';
import { ErrorsDocumentSchema } from './contracts/errors.js';
import { ListDocumentSchema } from './contracts/list.js';
import { PerfDocumentSchema } from './contracts/perf.js';
import { PropagationDocumentSchema } from './contracts/propagation.js';
import { ShowDocumentSchema } from './contracts/show.js';

/**
 * The JSON contracts, by the file name of their JSON Schema in `schemas/`. The zod schemas are the
 * source; `npm run schemas` writes the JSON Schemas from them and a test keeps the two in step.
 */
export const JSON_CONTRACTS = {
  show: ShowDocumentSchema,
  list: ListDocumentSchema,
  errors: ErrorsDocumentSchema,
  'check-propagation': PropagationDocumentSchema,
  assert: AssertDocumentSchema,
  perf: PerfDocumentSchema,
  diff: DiffDocumentSchema,
  compare: CompareDocumentSchema,
} as const;

export function jsonSchemaOf(name: keyof typeof JSON_CONTRACTS): string {
  const schema = z.toJSONSchema(JSON_CONTRACTS[name], { target: 'draft-2020-12' }) as Record<string, unknown>;
  return `${JSON.stringify({ ...schema, title: `otrace ${name} --format json` }, null, 2)}\n`;
}
