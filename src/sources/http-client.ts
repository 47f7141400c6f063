import type { LookupFunction } from 'node:net';
import type { Dispatcher } from 'undici';
import { SourceError } from '../errors.js';
import { answerText, Deadline, TransportFailure, whileWaiting } from './answer-body.js';

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
  /**
   * Per request (`--request-timeout`): the whole request, connecting and reading the answer
   * included; not the time otrace spends on an answer it reads as it arrives (see `stream`).
   */
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
 * The largest answer read, once decompressed: an endless answer must end in one line, not a
 * crash of the process (an answer read whole is one string, and V8's longest is about 512 MiB).
 */
export const MAX_RESPONSE_BYTES = 512 * 2 ** 20;

/** What is known of an answer before its body: enough to say what came, in messages. */
export interface AnswerHead {
  readonly status: number;
  readonly contentType: string;
  /** The URL as shown to the user (no credentials). */
  readonly shownUrl: string;
}

export interface HttpResponse extends AnswerHead {
  readonly body: string;
  readonly attempts: number;
}

/** An answer of `stream`: a 200's body read by the caller as it arrived, any other whole. */
export type StreamedResponse<T> =
  | (HttpResponse & { readonly streamed: false })
  | (AnswerHead & { readonly streamed: true; readonly value: T; readonly attempts: number });

/** Reads a 200 answer's body, decompressed and decoded, as it arrives. */
export type ReadBody<T> = (text: AsyncIterable<string>, head: AnswerHead) => Promise<T>;

type OneResponse<T> = (
  | Omit<Extract<StreamedResponse<T>, { streamed: false }>, 'attempts'>
  | Omit<Extract<StreamedResponse<T>, { streamed: true }>, 'attempts'>
) & { readonly retryAfterMs: number | undefined };

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
    const response = await this.#request<never>(path, query, undefined);
    if (response.streamed) throw new Error('unreachable: an answer streamed without a reader');
    const { streamed: _whole, ...rest } = response;
    return rest;
  }

  /**
   * `get`, but the body of a 200 answer is never held whole: `read` is given its text as it
   * arrives (decompressed, capped) and its result is the answer's `value`; any other answer is
   * read whole, as `get` reads it. `read` runs within the attempt, so an answer cut short is asked
   * again and read afresh by a new call; what an attempt read is the caller's to let go. The
   * deadline counts only the time spent waiting for the backend, not the time `read` works on
   * what arrived: reading a search of a million spans is not the backend being slow.
   */
  stream<T>(
    path: string,
    query: Readonly<Record<string, string | undefined>>,
    read: ReadBody<T>,
  ): Promise<StreamedResponse<T>> {
    return this.#request(path, query, read);
  }

  async #request<T>(
    path: string,
    query: Readonly<Record<string, string | undefined>>,
    read: ReadBody<T> | undefined,
  ): Promise<StreamedResponse<T>> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    for (const [key, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(key, value);
    const shownUrl = url.toString();
    const sleep = this.#options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.#options.retries;
      let response: OneResponse<T>;
      try {
        response = await this.#once(url, shownUrl, read);
      } catch (failure) {
        // What `read` made of the answer (JSON that is not, spans that are not) is its own error.
        if (!(failure instanceof TransportFailure)) throw failure;
        const error = failure.cause;
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
  async #once<T>(url: URL, shownUrl: string, read: ReadBody<T> | undefined): Promise<OneResponse<T>> {
    const timeoutMs = this.#options.timeoutMs;
    const deadline = new Deadline(
      timeoutMs,
      () =>
        new SourceError(
          `${shownUrl.split('?')[0]}: no complete answer within ${timeoutMs} ms (--request-timeout)`,
          'raise --request-timeout, or check the backend is healthy',
        ),
    );
    try {
      return await this.#answer(url, shownUrl, deadline, read);
    } finally {
      deadline.pause();
    }
  }

  async #answer<T>(
    url: URL,
    shownUrl: string,
    deadline: Deadline,
    read: ReadBody<T> | undefined,
  ): Promise<OneResponse<T>> {
    const { agent, request } = await this.#undici();
    deadline.run();
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: 'GET',
        headers: this.#headers,
        dispatcher: agent,
        signal: deadline.signal,
      });
    } catch (error) {
      throw new TransportFailure(error);
    } finally {
      deadline.pause();
    }
    const header = (name: string): string => {
      const value = response.headers[name];
      return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
    };
    const limit = this.#options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    const head = { status: response.statusCode, contentType: header('content-type'), shownUrl };
    const retryAfterMs = parseRetryAfter(header('retry-after'));
    const text = whileWaiting(
      answerText(response.body, header('content-encoding').toLowerCase(), limit, shownUrl),
      deadline,
    );
    try {
      if (read && head.status === 200)
        return { ...head, streamed: true, value: await read(text, head), retryAfterMs };
      const pieces: string[] = [];
      for await (const piece of text) pieces.push(piece);
      // An error answer is shown in messages: whatever credentials it echoes are blanked first.
      const body = head.status === 200 ? pieces.join('') : this.#redact(pieces.join(''));
      return { ...head, streamed: false, body, retryAfterMs };
    } finally {
      // Read to its end, or given up on (too large, or `read` failed): the connection is let go.
      if (!response.body.readableEnded) response.body.destroy();
    }
  }
}

/** A URL as it may be shown: `user:password@` left out, even from a URL that does not parse. */
function withoutUserinfo(text: string): string {
  return text.replace(/^((?:[^:/?#]*:\/\/)?)[^/?#@]*@/, '$1');
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
  // Already worded (the deadline).
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
