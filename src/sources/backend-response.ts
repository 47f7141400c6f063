import { SourceError } from '../errors.js';
import type { AnswerHead, HttpResponse } from './http-client.js';

/**
 * A backend answer's body as JSON, or the one-line error for what came instead: an HTML page (the
 * UI's URL, or a proxy's login page), or a body that is not JSON or was cut short.
 */
export function parseJsonBody(response: HttpResponse, hint: string): unknown {
  const start = response.body.trimStart();
  if (isHtml(response.contentType, start)) throw htmlPageError(response, hint);
  try {
    return JSON.parse(response.body);
  } catch {
    throw notJsonError(response, response.body.length, start);
  }
}

/** An HTML page by its content type, or by the body's first character (`start`: the body, leading whitespace left out). */
export function isHtml(contentType: string, start: string): boolean {
  return contentType.includes('text/html') || start.startsWith('<');
}

export function htmlPageError(head: AnswerHead, hint: string): SourceError {
  return new SourceError(
    `${head.shownUrl}: answered ${head.status} with an HTML page, not JSON`,
    `is this the UI's address or a proxy login page? ${hint}`,
  );
}

/** `length`: the body's length as text; `start`: its text, leading whitespace left out (the first 30 characters are shown). */
export function notJsonError(head: AnswerHead, length: number, start: string): SourceError {
  return new SourceError(
    `${head.shownUrl}: answered ${head.status} with a body that is not valid JSON (${length} bytes${
      length > 0 ? `, starting ${JSON.stringify(start.slice(0, 30))}` : ''
    })`,
    'the answer may have been cut short by a proxy; try again',
  );
}

/** The message a backend put in its error body, whichever envelope it used. */
export function backendMessage(body: string): string | undefined {
  try {
    const doc = JSON.parse(body) as Record<string, unknown>;
    const v3 = doc.error as { message?: unknown } | undefined;
    if (v3 && typeof v3.message === 'string') return v3.message;
    const v1 = Array.isArray(doc.errors) ? (doc.errors[0] as { msg?: unknown } | undefined) : undefined;
    if (v1 && typeof v1.msg === 'string') return v1.msg;
    if (typeof doc.message === 'string') return doc.message;
  } catch {
    // plain text
  }
  const text = body.trim().split('\n')[0] ?? '';
  return text === '' ? undefined : text.slice(0, 200);
}

/** Status codes every backend shares: auth, bad request, server errors after retries. */
export function statusError(response: HttpResponse, api: string): SourceError {
  const said = backendMessage(response.body);
  const quoted = said ? `: ${JSON.stringify(said)}` : '';
  if (response.status === 401 || response.status === 403) {
    return new SourceError(
      `${response.shownUrl}: ${api} answered ${response.status} (${response.status === 401 ? 'not authenticated' : 'forbidden'})`,
      "pass credentials: OTRACE_TOKEN for a bearer token, --header 'Authorization: …', or user:password@ in the URL",
    );
  }
  if (response.status === 400)
    return new SourceError(`${response.shownUrl}: ${api} rejected the request (400)${quoted}`);
  const retried = response.attempts > 1 ? ` after ${response.attempts} attempts` : '';
  return new SourceError(
    `${response.shownUrl}: ${api} answered ${response.status}${retried}${quoted}`,
    response.status >= 500 ? 'the backend is failing; try again later' : undefined,
  );
}

/** The UI's page or a proxy's, served where JSON was expected. */
export function looksLikeHtml(response: HttpResponse): boolean {
  return isHtml(response.contentType, response.body.trimStart());
}
