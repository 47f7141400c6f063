import type { Attributes, AttributeValue } from '../../model/types.js';
import { quoteName, quoteValue } from '../quote.js';

/**
 * The page's strings, each stored once and named by its index: a trace repeats a few service
 * names, span names, attribute keys and values thousands of times. Every string from span data is
 * quoted on its way in (quote.ts: escaped, cut past its limit), so the page never holds a raw
 * control, bidi or line-separator character, nor a 30 MB name.
 */
export class StringTable {
  readonly strings: string[] = [];
  private readonly indexes = new Map<string, number>();
  /** Raw span data already quoted, by how: the same key or value is quoted once, not once a span. */
  private readonly names = new Map<string, number>();
  private readonly values = new Map<string, number>();

  /** The index of `text` as it is: for text otrace wrote (words, durations) or already quoted. */
  add(text: string): number {
    let index = this.indexes.get(text);
    if (index === undefined) {
      index = this.strings.length;
      this.strings.push(text);
      this.indexes.set(text, index);
    }
    return index;
  }

  /** Span names, services, attribute keys. */
  name(text: string): number {
    let index = this.names.get(text);
    if (index === undefined) {
      index = this.add(quoteName(text));
      this.names.set(text, index);
    }
    return index;
  }

  /** Messages, attribute values. */
  value(text: string): number {
    let index = this.values.get(text);
    if (index === undefined) {
      index = this.add(quoteValue(text));
      this.values.set(text, index);
    }
    return index;
  }

  /** Multi-line text (a stack trace): each line quoted, the line breaks kept. */
  lines(text: string): number {
    return this.add(text.trimEnd().split(/\r?\n/).map(quoteValue).join('\n'));
  }

  /** Attributes as one flat list, key and value by turns: `[k, v, k, v]`. */
  attributes(attributes: Attributes): number[] {
    const out: number[] = [];
    for (const key of Object.keys(attributes))
      out.push(this.name(key), this.value(valueText(attributes[key]!)));
    return out;
  }
}

/** An attribute value as the details show it: strings as they are, anything else as JSON. */
function valueText(value: AttributeValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
