/**
 * What `otrace compare --baseline` compares between two runs: an operation (service › span name),
 * an edge from a caller's operation to the callee's, or a caller's calls to a peer that no traced
 * service answered (a database, an external host).
 *
 *   checkout › POST /order                                 operation
 *   checkout › HTTP POST ──▶ payments › POST /charge       edge (the child span is in another service)
 *   payments › pg.query ──▶ postgres                       peer edge (a CLIENT span, no traced callee)
 */
export interface Operation {
  readonly service: string;
  readonly name: string;
}

export type Subject =
  | { readonly scope: 'operation'; readonly service: string; readonly name: string }
  | { readonly scope: 'edge'; readonly service: string; readonly name: string; readonly callee: Operation }
  | { readonly scope: 'peer-edge'; readonly service: string; readonly name: string; readonly peer: string };

export type SubjectScope = Subject['scope'];

const LETTER = { operation: 'o', edge: 'e', 'peer-edge': 'p' } as const satisfies Record<
  SubjectScope,
  string
>;

/**
 * A subject as one string, to key maps and to cross threads: the scope's letter, then each part
 * as its length, a colon and the part (`o8:checkout10:POST /cart`). Span names are any text, so
 * no separator character could be trusted; a length cannot be confused with the text after it.
 */
export function subjectKey(subject: Subject): string {
  switch (subject.scope) {
    case 'operation':
      return keyOf(LETTER.operation, [subject.service, subject.name]);
    case 'edge':
      return keyOf(LETTER.edge, [subject.service, subject.name, subject.callee.service, subject.callee.name]);
    case 'peer-edge':
      return keyOf(LETTER['peer-edge'], [subject.service, subject.name, subject.peer]);
  }
}

export function operationKey(service: string, name: string): string {
  return keyOf(LETTER.operation, [service, name]);
}

export function edgeKey(caller: Operation, callee: Operation): string {
  return keyOf(LETTER.edge, [caller.service, caller.name, callee.service, callee.name]);
}

export function peerEdgeKey(caller: Operation, peer: string): string {
  return keyOf(LETTER['peer-edge'], [caller.service, caller.name, peer]);
}

function keyOf(letter: string, parts: readonly string[]): string {
  let key = letter;
  for (const part of parts) key += `${part.length}:${part}`;
  return key;
}

/** The subject a key names; throws on a key no function here made (a bug, not bad input). */
export function subjectOf(key: string): Subject {
  const parts: string[] = [];
  let at = 1;
  // Each part moves `at` past its colon and text: the loop ends within key.length steps.
  while (at < key.length) {
    const colon = key.indexOf(':', at);
    const length = Number(key.slice(at, colon));
    if (colon < 0 || !Number.isInteger(length) || colon + 1 + length > key.length)
      throw new Error(`not a subject key: ${JSON.stringify(key)}`);
    parts.push(key.slice(colon + 1, colon + 1 + length));
    at = colon + 1 + length;
  }
  const [service, name, third, fourth] = parts;
  if (key[0] === LETTER.operation && parts.length === 2)
    return { scope: 'operation', service: service!, name: name! };
  if (key[0] === LETTER.edge && parts.length === 4)
    return { scope: 'edge', service: service!, name: name!, callee: { service: third!, name: fourth! } };
  if (key[0] === LETTER['peer-edge'] && parts.length === 3)
    return { scope: 'peer-edge', service: service!, name: name!, peer: third! };
  throw new Error(`not a subject key: ${JSON.stringify(key)}`);
}
