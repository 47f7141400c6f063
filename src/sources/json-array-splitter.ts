/**
 * Splits the text of one JSON document, given piece by piece as it arrives, at the elements of
 * one array in it: each element is parsed (JSON.parse) as soon as its text is complete and handed
 * on, and the rest of the document, that array emptied, is parsed at the end. A backend's search
 * answer is then never one string nor one parsed tree, only one element at a time:
 *
 *   {"result":{"resourceSpans":[ {…} , {…} , … ]}}      path ["result", "resourceSpans"]
 *   └──────── rest ───────────┘ └─ 0 ┘ └─ 1 ┘ …  └rest┘
 *
 * Only the first array found at the path is split; where there is none (another envelope, a
 * value of another type), the whole document is the rest. The text is not validated here but
 * parsed by JSON.parse, element by element and the rest at the end, so a document is refused
 * (JsonSyntaxError) exactly when JSON.parse refuses it whole: valid elements joined by commas
 * inside a valid rest make a valid document, and an element cut wrongly does not parse.
 */
export class JsonArraySplitter {
  readonly #path: readonly string[];
  readonly #onElement: (value: unknown, index: number) => void;
  /** Containers open around the current position. */
  #depth = 0;
  /**
   * How deep the containers on the path go: the root object is at depth 1, the object under
   * `path[0]` at 2… Keys are read only directly inside the deepest one (depth === #onPath).
   */
  #onPath = 0;
  /** Directly inside the deepest object on the path: a key comes next (after `{` or `,`). */
  #expectKey = false;
  /** The last key read directly inside the deepest object on the path. */
  #key = '';
  /** Depth of the array being split (its elements start at this depth); 0 outside it. */
  #arrayDepth = 0;
  /** The array at the path was found (it is split once). */
  #found = false;
  #inString = false;
  /** The last piece ended inside a string just after a backslash: the next character is escaped. */
  #escaped = false;
  /** The string being read is a key on the path, kept to compare with the path. */
  #inKey = false;
  #keyPieces: string[] = [];
  /** An element's text has started and not ended. */
  #inElement = false;
  #elementPieces: string[] = [];
  /** A comma was read after the last element: another element must follow. */
  #afterComma = false;
  #restPieces: string[] = [];
  #elements = 0;

  constructor(path: readonly string[], onElement: (value: unknown, index: number) => void) {
    this.#path = path;
    this.#onElement = onElement;
  }

  /** Elements handed on. */
  get elements(): number {
    return this.#elements;
  }

  write(text: string): void {
    const n = text.length;
    let i = 0;
    let restFrom = this.#arrayDepth > 0 ? -1 : 0;
    let elementFrom = this.#inElement ? 0 : -1;
    let keyFrom = this.#inKey ? 0 : -1;
    while (i < n) {
      if (this.#inString) {
        i = this.#skipString(text, i);
        if (this.#inString) break;
        if (keyFrom >= 0) {
          this.#keyPieces.push(text.slice(keyFrom, i));
          this.#key = parse(this.#keyPieces.join('')) as string;
          this.#keyPieces = [];
          this.#inKey = false;
          keyFrom = -1;
        }
        continue;
      }
      // Inside an element's containers, or a value off the path, only strings and brackets
      // matter: the quick loop, until back at the level where they started.
      const floor = this.#arrayDepth > 0 ? this.#arrayDepth : this.#onPath;
      if (this.#depth > floor) {
        i = this.#skipInside(text, i, floor);
        continue;
      }
      const c = text.charCodeAt(i);
      if (this.#arrayDepth > 0 && this.#depth === this.#arrayDepth) {
        // Between or in the elements of the array being split (a scalar element stays here).
        if (c === COMMA || c === CLOSE_ARRAY) {
          if (this.#inElement) {
            this.#elementPieces.push(text.slice(elementFrom, i));
            this.#endElement();
            elementFrom = -1;
          } else if (c === COMMA || this.#afterComma) {
            throw new JsonSyntaxError();
          }
          this.#afterComma = c === COMMA;
          if (c === CLOSE_ARRAY) {
            this.#depth--;
            this.#arrayDepth = 0;
            restFrom = i;
          }
          i++;
          continue;
        }
        if (c === CLOSE_OBJECT) throw new JsonSyntaxError();
        if (!this.#inElement && !isWhitespace(c)) {
          this.#inElement = true;
          elementFrom = i;
        }
        if (c === QUOTE) this.#inString = true;
        else if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.#depth++;
        i++;
        continue;
      }
      // The rest of the document.
      if (c === QUOTE) {
        this.#inString = true;
        if (this.#depth === this.#onPath && this.#expectKey) {
          this.#inKey = true;
          keyFrom = i;
        }
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        const onPathValue =
          this.#depth === this.#onPath &&
          !this.#found &&
          (this.#depth === 0 || (!this.#expectKey && this.#key === this.#path[this.#depth - 1]));
        this.#depth++;
        if (onPathValue && this.#depth - 1 < this.#path.length && c === OPEN_OBJECT) {
          this.#onPath = this.#depth;
          this.#expectKey = true;
        } else if (onPathValue && this.#depth - 1 === this.#path.length && c === OPEN_ARRAY) {
          this.#found = true;
          this.#arrayDepth = this.#depth;
          this.#afterComma = false;
          this.#restPieces.push(text.slice(restFrom, i + 1));
          restFrom = -1;
        }
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (this.#depth === 0) throw new JsonSyntaxError();
        if (this.#depth === this.#onPath) {
          this.#onPath--;
          this.#expectKey = false;
        }
        this.#depth--;
      } else if (this.#depth === this.#onPath) {
        if (c === COMMA) this.#expectKey = true;
        else if (c === COLON) this.#expectKey = false;
      }
      i++;
    }
    if (keyFrom >= 0) this.#keyPieces.push(text.slice(keyFrom));
    if (elementFrom >= 0) this.#elementPieces.push(text.slice(elementFrom));
    if (restFrom >= 0) this.#restPieces.push(text.slice(restFrom));
  }

  /** The rest of the document, parsed: the split array emptied, or the whole document where none was found. */
  end(): unknown {
    return parse(this.#restPieces.join(''));
  }

  #endElement(): void {
    const text = this.#elementPieces.join('');
    this.#elementPieces = [];
    this.#inElement = false;
    this.#onElement(parse(text), this.#elements++);
  }

  /** From inside a string to just after its closing quote, or to the end of the text (still inside). */
  #skipString(text: string, from: number): number {
    let i = from;
    if (this.#escaped) {
      this.#escaped = false;
      i++;
    }
    const n = text.length;
    for (;;) {
      const quote = text.indexOf('"', i);
      const end = quote < 0 ? n : quote;
      // The backslashes just before the quote (or the end of the text): an odd run escapes it.
      let run = 0;
      while (end - run - 1 >= i && text.charCodeAt(end - run - 1) === BACKSLASH) run++;
      if (quote < 0) {
        this.#escaped = run % 2 === 1;
        return n;
      }
      if (run % 2 === 0) {
        this.#inString = false;
        return quote + 1;
      }
      i = quote + 1;
    }
  }

  /** Inside containers: to the end of the text, the start of a string, or back at depth `floor`. */
  #skipInside(text: string, from: number, floor: number): number {
    const n = text.length;
    let depth = this.#depth;
    let i = from;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        // A string that ends in this text is skipped here; one that runs on, by #skipString.
        const end = closingQuote(text, i + 1);
        if (end >= 0) {
          i = end;
          continue;
        }
        this.#inString = true;
        i++;
        break;
      }
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        depth--;
        if (depth === floor) {
          i++;
          break;
        }
      }
    }
    this.#depth = depth;
    return i;
  }
}

/** The closing quote of a string whose text starts at `from`, or -1 where it does not end in `text`. */
function closingQuote(text: string, from: number): number {
  let i = from;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote < 0) return -1;
    // The backslashes just before the quote: an odd run escapes it.
    let run = 0;
    while (quote - run - 1 >= from && text.charCodeAt(quote - run - 1) === BACKSLASH) run++;
    if (run % 2 === 0) return quote;
    i = quote + 1;
  }
}

/** The text is not one JSON document (or not a whole one). */
export class JsonSyntaxError extends Error {
  constructor() {
    super('not valid JSON');
  }
}

/** JSON.parse, any failure of which (a syntax error, nesting too deep) means the text is not JSON it reads. */
function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new JsonSyntaxError();
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
