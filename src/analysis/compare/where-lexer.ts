import { UsageError } from '../../errors.js';

/**
 * The words of a `--where` predicate: keys and keywords (`and`, `not`), the operators, and the
 * value after each operator. A value runs to the next space (`http.url=https://a/b?c=d` is one
 * value), or is a double-quoted JSON string when it holds spaces: `http.route="/a and b"`.
 */
export type WhereToken =
  | { readonly type: 'word'; readonly text: string; readonly at: number }
  | { readonly type: 'op'; readonly op: WhereOp; readonly at: number }
  | { readonly type: 'value'; readonly text: string; readonly at: number };

export const WHERE_OPS = ['=', '!=', '>', '>=', '<', '<='] as const;
export type WhereOp = (typeof WHERE_OPS)[number];

/** What a predicate may say, for the hints of every refusal. */
export const WHERE_EXAMPLES =
  'error, duration>1s, service=checkout, k8s.pod.name=order-7f9c, resource.region!=eu-west-1, not http.route=/health';
export const WHERE_HINT = `write conditions joined with " and ", such as ${WHERE_EXAMPLES}`;

/** Throws the one-line refusal of a predicate: the option, the predicate, what is wrong. */
export function refuseWhere(option: string, text: string, detail: string, hint = WHERE_HINT): never {
  throw new UsageError(`${option} ${JSON.stringify(text)}: ${detail}`, hint);
}

const SPACE = /\s/;
const OP_START = /[=!<>]/;

/** Cuts a predicate into tokens; each loop moves forward at least one character. */
export function tokenizeWhere(text: string, option: string): WhereToken[] {
  const tokens: WhereToken[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (SPACE.test(char)) {
      i++;
      continue;
    }
    if (OP_START.test(char)) {
      const op = readOp(text, i, option);
      tokens.push({ type: 'op', op, at: i });
      i = skipSpaces(text, i + op.length);
      if (i >= text.length) refuseWhere(option, text, `no value after "${op}"`, valueHint(op));
      const value = text[i] === '"' ? readQuoted(text, i, option) : readBare(text, i);
      tokens.push({ type: 'value', text: value.text, at: i });
      i = value.end;
      continue;
    }
    if (char === '"')
      refuseWhere(
        option,
        text,
        `a quoted word at character ${i + 1} where a key was expected`,
        'quote values, not keys: k8s.pod.name="order 7f9c"',
      );
    let end = i;
    while (end < text.length && !SPACE.test(text[end]!) && !OP_START.test(text[end]!) && text[end] !== '"')
      end++;
    tokens.push({ type: 'word', text: text.slice(i, end), at: i });
    i = end;
  }
  return tokens;
}

function readOp(text: string, at: number, option: string): WhereOp {
  const two = text.slice(at, at + 2);
  if (two === '==') refuseWhere(option, text, `"==" at character ${at + 1}`, 'write a single "=": key=value');
  if (two === '!=' || two === '>=' || two === '<=') return two;
  const one = text[at]!;
  if (one === '!')
    refuseWhere(option, text, `"!" at character ${at + 1}`, 'write "not error" or key!=value to negate');
  return one as WhereOp;
}

function valueHint(op: WhereOp): string {
  return op === '=' || op === '!='
    ? `write a value after it, key${op}"" for an empty one`
    : `write a number after it (key${op}10), or a duration for duration${op}1s`;
}

function skipSpaces(text: string, from: number): number {
  let i = from;
  while (i < text.length && SPACE.test(text[i]!)) i++;
  return i;
}

function readBare(text: string, from: number): { text: string; end: number } {
  let end = from;
  while (end < text.length && !SPACE.test(text[end]!)) end++;
  return { text: text.slice(from, end), end };
}

/** A double-quoted JSON string starting at `from`: `"order 7f9c"`, `"say \"hi\""`. */
function readQuoted(text: string, from: number, option: string): { text: string; end: number } {
  let end = from + 1;
  while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
  if (end >= text.length)
    refuseWhere(
      option,
      text,
      `the quoted value at character ${from + 1} has no closing quote`,
      'end it with "',
    );
  let value: unknown;
  try {
    value = JSON.parse(text.slice(from, end + 1));
  } catch {
    refuseWhere(
      option,
      text,
      `the quoted value at character ${from + 1} is not a valid JSON string`,
      'escape only \\" \\\\ \\n \\t or \\uXXXX inside quotes',
    );
  }
  if (end + 1 < text.length && !SPACE.test(text[end + 1]!))
    refuseWhere(
      option,
      text,
      `"${text[end + 1]}" right after the quoted value at character ${from + 1}`,
      'put a space and "and" between conditions',
    );
  return { text: value as string, end: end + 1 };
}
