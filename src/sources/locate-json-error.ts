/**
 * Where JSON text first goes wrong, as an offset. V8's JSON.parse messages on Node 20 often quote
 * a snippet instead of a position, and "file:line:column" is what a user needs. Runs only after a
 * parse has failed. Iterative: nesting depth costs heap, not stack.
 * Returns the offset of the first offending character, `text.length` when the text ends too soon,
 * or -1 when the text is valid.
 */
export function locateJsonError(text: string): number {
  const n = text.length;
  const stack: string[] = [];
  let i = 0;
  let state: 'value' | 'value-or-end' | 'key' | 'key-or-end' | 'colon' | 'after' = 'value';
  for (;;) {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
    if (i >= n) return state === 'after' && stack.length === 0 ? -1 : n;
    const c = text[i];
    // An empty container may close right away; otherwise these states expect a value or a key.
    if ((state === 'value-or-end' && c === ']') || (state === 'key-or-end' && c === '}')) {
      stack.pop();
      i++;
      state = 'after';
      continue;
    }
    if (state === 'value-or-end') state = 'value';
    if (state === 'key-or-end') state = 'key';
    switch (state) {
      case 'value': {
        if (c === '{' || c === '[') {
          stack.push(c);
          i++;
          state = c === '{' ? 'key-or-end' : 'value-or-end';
          break;
        }
        const end = c === '"' ? scanString(text, i) : scanScalar(text, i);
        if (end < 0) return -end - 1;
        i = end;
        state = 'after';
        break;
      }
      case 'key': {
        if (c !== '"') return i;
        const end = scanString(text, i);
        if (end < 0) return -end - 1;
        i = end;
        state = 'colon';
        break;
      }
      case 'colon':
        if (c !== ':') return i;
        i++;
        state = 'value';
        break;
      case 'after': {
        const top = stack[stack.length - 1];
        if (top === undefined) return i;
        if (c === ',') {
          i++;
          state = top === '{' ? 'key' : 'value';
        } else if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
          stack.pop();
          i++;
        } else {
          return i;
        }
        break;
      }
    }
  }
}

/** Offset after the closing quote, or -(offset of the fault)-1. */
function scanString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return -i - 1;
    if (code === 0x5c) {
      const next = text[i + 1];
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return -(i + 1) - 1;
        i += 6;
        continue;
      }
      if (next === undefined || !'"\\/bfnrt'.includes(next)) return -(i + 1) - 1;
      i += 2;
      continue;
    }
    i++;
  }
  return -text.length - 1;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function scanScalar(text: string, start: number): number {
  for (const literal of ['true', 'false', 'null']) {
    if (text.startsWith(literal, start)) return start + literal.length;
  }
  NUMBER.lastIndex = start;
  if (NUMBER.test(text)) return NUMBER.lastIndex;
  return -start - 1;
}
