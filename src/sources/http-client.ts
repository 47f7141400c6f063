import type { LookupFunction } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { SourceError } from '../errors.js';

/**
 * GET with the failures a user meets turned into one-line SourceErrors (exit 3): refused, DNS, TLS,
 * timeouts, bodies cut short. Retries with backoff on connection resets and 429/502/503/504
 * (honouring Retry-After), never on other 4xx. Credentials (URL userinfo, a token, headers) are
 * sent but never shown: every message uses the URL without userinfo.
 */
export interface HttpOptions {
  /** Extra headers (`--header 'Name: value'`). */
  readonly headers: Readonly<Record<string, string>>;
  /** Bearer token (OTRACE_TOKEN). */
  readonly token: string | undefined;
  /** Per request (`--request-timeout`): the whole request, connecting and reading the answer included. */
  readonly timeoutMs: number;
  /** Extra attempts after the first for retryable failures. */
  readonly retries: number;
  /** Waits between attempts; injectable so that tests need not sleep. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Host name resolution; injectable so that tests of DNS failures ask no DNS server. */
  readonly lookup?: LookupFunction;
  /** The largest answer read (MAX_RESPONSE_BYTES unless a test makes it smaller). */
  readonly maxResponseBytes?: number;
}

/**
 * The largest answer read, once decompressed: V8's longest string is about 512 MiB, and an
 * endless answer must end in one line, not a crash of the process.
 */
export const MAX_RESPONSE_BYTES = 512 * 2 ** 20;

export interface HttpResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** The URL as shown to the user (no credentials). */
  readonly shownUrl: string;
  readonly attempts: number;
}

type OneResponse = Omit<HttpResponse, 'attempts'> & { readonly retryAfterMs: number | undefined };

const RETRY_STATUS = new Set([429, 502, 503, 504]);
const RETRY_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);
const MAX_BACKOFF_MS = 10_000;

export class HttpClient {
  readonly base: URL;
  readonly shownBase: string;
  /** How to point otrace at this backend, for messages. */
  readonly hint: string;
  readonly #headers: Record<string, string>;
  readonly #secrets: string[];
  readonly #options: HttpOptions;
  /** undici is loaded on the first request: commands that read files never pay for it. */
  #agent: Promise<{ agent: Dispatcher; request: typeof import('undici').request }> | undefined;

  constructor(baseUrl: string, options: HttpOptions, hint: string) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new SourceError(`${JSON.stringify(withoutUserinfo(baseUrl))} is not a URL`, hint);
    }
    // `localhost:16686` parses, with "localhost:" as its scheme.
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new SourceError(
        `${JSON.stringify(withoutUserinfo(baseUrl))} is not an http or https URL`,
        /^[\w.-]+:\d+/.test(withoutUserinfo(baseUrl))
          ? `write it with its scheme: http://${withoutUserinfo(baseUrl)}`
          : hint,
      );
    const headers: Record<string, string> = { accept: 'application/json' };
    if (url.username || url.password) {
      const user = decodeURIComponent(url.username);
      const password = decodeURIComponent(url.password);
      headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    for (const [name, value] of Object.entries(options.headers)) headers[name.toLowerCase()] = value;
    // What was sent as credentials, never to be shown again: an error answer may echo it.
    const secrets = [decodeURIComponent(url.password), options.token, ...Object.values(options.headers)];
    if (headers.authorization)
      secrets.push(headers.authorization, headers.authorization.replace(/^\S+\s+/, ''));
    this.#secrets = secrets.filter((secret): secret is string => secret !== undefined && secret.length >= 4);
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    this.base = url;
    this.hint = hint;
    this.shownBase = url.toString().replace(/\/$/, '');
    this.#headers = headers;
    this.#options = options;
  }

  /** `path` is relative to the base URL (which may carry a base path). */
  async get(path: string, query: Readonly<Record<string, string | undefined>> = {}): Promise<HttpResponse> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    for (const [key, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(key, value);
    const shownUrl = url.toString();
    const sleep = this.#options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.#options.retries;
      let response: OneResponse;
      try {
        response = await this.#once(url, shownUrl);
      } catch (error) {
        const code = errorCode(error);
        if (!last && code !== undefined && RETRY_CODES.has(code)) {
          await sleep(backoff(attempt));
          continue;
        }
        // The query string says nothing about a connection failure and makes the line unreadable.
        throw transportError(error, shownUrl.split('?')[0]!, this.#options.timeoutMs, attempt + 1, this.hint);
      }
      if (!last && RETRY_STATUS.has(response.status)) {
        await sleep(response.retryAfterMs ?? backoff(attempt));
        continue;
      }
      const { retryAfterMs: _ignored, ...rest } = response;
      return { ...rest, attempts: attempt + 1 };
    }
  }

  async close(): Promise<void> {
    if (this.#agent) await (await this.#agent).agent.close();
  }

  #undici(): Promise<{ agent: Dispatcher; request: typeof import('undici').request }> {
    this.#agent ??= import('undici').then(({ Agent, request }) => ({
      request,
      agent: new Agent({
        keepAliveTimeout: 10_000,
        connect: {
          timeout: this.#options.timeoutMs,
          ...(this.#options.lookup ? { lookup: this.#options.lookup } : {}),
        },
        // Both are idle timers within the deadline of `#once`, which bounds the whole request:
        // off, so that one timeout, one message, says what happened.
        headersTimeout: 0,
        bodyTimeout: 0,
      }),
    }));
    return this.#agent;
  }

  #redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.replaceAll(secret, '[redacted]');
    return out;
  }

  /**
   * One request under one deadline. undici's timeouts are idle timers (`bodyTimeout` restarts at
   * each byte), so a body dripped a byte a second never trips them: the deadline aborts it.
   */
  async #once(url: URL, shownUrl: string): Promise<OneResponse> {
    const timeoutMs = this.#options.timeoutMs;
    const deadline = new AbortController();
    const timer = setTimeout(
      () =>
        deadline.abort(
          new SourceError(
            `${shownUrl.split('?')[0]}: no complete answer within ${timeoutMs} ms (--request-timeout)`,
            'raise --request-timeout, or check the backend is healthy',
          ),
        ),
      timeoutMs,
    );
    try {
      return await this.#answer(url, shownUrl, deadline.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  async #answer(url: URL, shownUrl: string, signal: AbortSignal): Promise<OneResponse> {
    const { agent, request } = await this.#undici();
    const response = await request(url, { method: 'GET', headers: this.#headers, dispatcher: agent, signal });
    const header = (name: string): string => {
      const value = response.headers[name];
      return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
    };
    const limit = this.#options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    const tooBig = () =>
      new SourceError(
        `${shownUrl.split('?')[0]}: the answer is larger than ${formatBytes(limit)}`,
        'ask for less: a smaller --limit, a shorter --since, or --service',
      );
    const raw = await readCapped(response.body, limit, () => {
      response.body.destroy();
      return tooBig();
    });
    const text = decodeContent(raw, header('content-encoding').toLowerCase(), limit, tooBig, shownUrl);
    // An error answer is shown in messages: whatever credentials it echoes are blanked first.
    const body = response.statusCode === 200 ? text : this.#redact(text);
    return {
      status: response.statusCode,
      contentType: header('content-type'),
      body,
      shownUrl,
      retryAfterMs: parseRetryAfter(header('retry-after')),
    };
  }
}

/** The body's bytes, refused (`refuse`) past `limit`. */
async function readCapped(body: AsyncIterable<Buffer>, limit: number, refuse: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw refuse();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The body as text, decompressed where the server (or a proxy) compressed it although nothing was
 * asked: gzip, deflate, br. The decompressed size is capped too.
 */
function decodeContent(
  raw: Buffer,
  encoding: string,
  limit: number,
  tooBig: () => Error,
  shownUrl: string,
): string {
  if (encoding === '' || encoding === 'identity') return raw.toString('utf8');
  const inflate = { gzip: gunzipSync, 'x-gzip': gunzipSync, deflate: inflateSync, br: brotliDecompressSync }[
    encoding
  ];
  if (!inflate)
    throw new SourceError(
      `${shownUrl.split('?')[0]}: answered in content encoding ${JSON.stringify(encoding)}, which otrace does not read`,
    );
  try {
    return inflate(raw, { maxOutputLength: limit }).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooBig();
    throw new SourceError(
      `${shownUrl.split('?')[0]}: the ${encoding} answer does not decompress (${(error as Error).message})`,
      'a proxy may have cut it short: try again',
    );
  }
}

/** A URL as it may be shown: `user:password@` left out, even from a URL that does not parse. */
function withoutUserinfo(text: string): string {
  return text.replace(/^((?:[^:/?#]*:\/\/)?)[^/?#@]*@/, '$1');
}

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 20 ? `${Math.round(bytes / 2 ** 20)} MiB` : `${bytes} bytes`;
}

function backoff(attempt: number): number {
  return Math.min(250 * 2 ** attempt, MAX_BACKOFF_MS);
}

/** Retry-After in seconds or as an HTTP date; capped so that a hostile server cannot park us. */
function parseRetryAfter(value: string): number | undefined {
  if (value === '') return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_BACKOFF_MS) : undefined;
}

function errorCode(error: unknown): string | undefined {
  let current = error as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    if (typeof current.code === 'string') return current.code;
    current = current.cause as typeof current;
  }
  return undefined;
}

const TLS_CODE = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_(GET|VERIFY))/;

function transportError(
  error: unknown,
  url: string,
  timeoutMs: number,
  attempts: number,
  hint: string,
): SourceError {
  // Already worded (an answer too large, or not decompressing).
  if (error instanceof SourceError) return error;
  const code = errorCode(error) ?? '';
  const host = new URL(url).hostname;
  if (code === 'ECONNREFUSED') {
    return new SourceError(
      `${url}: connection refused`,
      `is the backend running and is the URL right? ${hint}`,
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new SourceError(`${url}: cannot resolve host ${host}`, 'check the host name in the URL');
  }
  if (TLS_CODE.test(code)) {
    return new SourceError(
      `${url}: TLS error (${code})`,
      'for a private CA, point NODE_EXTRA_CA_CERTS at its certificate',
    );
  }
  if (code.includes('TIMEOUT')) {
    return new SourceError(
      `${url}: no answer within ${timeoutMs} ms (${code})`,
      'raise --request-timeout, or check the backend is healthy',
    );
  }
  if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' || RETRY_CODES.has(code)) {
    return new SourceError(
      `${url}: the connection closed before the response was complete${attempts > 1 ? ` (${attempts} attempts)` : ''}`,
      'the backend or a proxy cut the answer short; try again',
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SourceError(`${url}: request failed: ${message}${code ? ` (${code})` : ''}`);
}
