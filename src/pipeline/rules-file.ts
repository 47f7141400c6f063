import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Rule } from '../analysis/assert-rules.js';
import { UsageError } from '../errors.js';
import { DURATION, DURATION_EXAMPLES, parseDuration } from '../model/duration.js';
import { SPAN_KINDS } from '../model/types.js';
import { firstIssue } from '../schema/zod-issue.js';

/** Looked for in the current directory when `--rules` is not given. */
export const RULES_FILES = ['otrace.rules.json', 'otrace.rules.yaml', 'otrace.rules.yml'] as const;

const duration = z.string().regex(DURATION, `a duration such as ${DURATION_EXAMPLES}`);

const Select = z.strictObject({
  service: z.string().min(1).optional(),
  operation: z.string().min(1).optional(),
  kind: z.enum(SPAN_KINDS).optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

const base = { name: z.string().min(1).optional(), select: Select.optional() };

const RuleSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...base, type: z.literal('no-error-origins') }),
  z.strictObject({ ...base, type: z.literal('no-timeouts') }),
  z
    .strictObject({
      ...base,
      type: z.literal('duration'),
      p50: duration.optional(),
      p95: duration.optional(),
      max: duration.optional(),
    })
    .refine((r) => r.p50 || r.p95 || r.max, 'a duration rule needs p50, p95 or max'),
  z.strictObject({ ...base, type: z.literal('span-count'), max: z.number().int().positive() }),
  z.strictObject({
    ...base,
    type: z.literal('required-attributes'),
    attributes: z.array(z.string().min(1)).min(1),
  }),
  z.strictObject({
    ...base,
    type: z.literal('propagation'),
    from: z.string().min(1),
    to: z.string().min(1),
  }),
  z.strictObject({ ...base, type: z.literal('no-orphans') }),
  z.strictObject({ ...base, type: z.literal('no-n-plus-one') }),
  z.strictObject({ ...base, type: z.literal('max-calls'), max: z.number().int().nonnegative() }),
  z.strictObject({ ...base, type: z.literal('max-sequential'), max: z.number().int().positive() }),
]);

/** `otrace.rules.json` / `.yaml`: a list of assertions over the selected traces. */
export const RulesFileSchema = z.strictObject({ rules: z.array(RuleSchema).min(1) });

/** The rule types, read from the schema: the hint of an error cannot drift from it. */
export const RULE_TYPES: readonly string[] = RuleSchema.options.map((rule) => rule.shape.type.value);

const EXAMPLE = '{"rules": [{"type": "no-error-origins", "select": {"service": "user-service"}}]}';

export async function loadRules(path: string | undefined): Promise<{ file: string; rules: Rule[] }> {
  const file = path ?? RULES_FILES.find((f) => existsSync(f));
  if (file === undefined)
    throw new UsageError('no rules file', `pass --rules FILE, or create ${RULES_FILES[0]}, e.g. ${EXAMPLE}`);
  if (!existsSync(file)) throw new UsageError(`${file}: no such rules file`);
  const text = readFileSync(file, 'utf8');
  let value: unknown;
  try {
    // yaml is loaded only for a YAML file.
    value = /\.ya?ml$/i.test(file) ? (await import('yaml')).parse(text) : JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: cannot be read (${(error as Error).message.split('\n')[0]})`);
  }
  const result = RulesFileSchema.safeParse(value);
  if (!result.success) {
    throw new UsageError(
      `${file}: ${firstIssue(result.error)}`,
      `rule types: ${RULE_TYPES.join(', ')}; e.g. ${EXAMPLE}`,
    );
  }
  return {
    file,
    rules: result.data.rules.map((r, i): Rule => {
      const name = r.name ?? `${i + 1}: ${r.type}${r.select?.service ? ` (${r.select.service})` : ''}`;
      const select = r.select ?? {};
      switch (r.type) {
        case 'duration':
          return {
            name,
            select,
            type: r.type,
            p50: r.p50 === undefined ? undefined : parseDuration(r.p50, `rules[${i}].p50`),
            p95: r.p95 === undefined ? undefined : parseDuration(r.p95, `rules[${i}].p95`),
            max: r.max === undefined ? undefined : parseDuration(r.max, `rules[${i}].max`),
          };
        case 'span-count':
        case 'max-calls':
        case 'max-sequential':
          return { name, select, type: r.type, max: r.max };
        case 'required-attributes':
          return { name, select, type: r.type, attributes: r.attributes };
        case 'propagation':
          return {
            name: r.name ?? `${i + 1}: ${r.from} → ${r.to} continues the trace`,
            select,
            type: r.type,
            from: r.from,
            to: r.to,
          };
        default:
          return { name, select, type: r.type };
      }
    }),
  };
}
