import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/errors.js';
import {
  backendMessage,
  looksLikeHtml,
  parseJsonBody,
  statusError,
} from '../../src/sources/backend-response.js';
import type { HttpResponse } from '../../src/sources/http-client.js';
import { errorOf } from '../helpers/error-of.js';

const URL_ = 'http://jaeger:16686/api/v3/traces/abc';

const response = (overrides: Partial<HttpResponse>): HttpResponse => ({
  status: 200,
  contentType: 'application/json',
  body: '{}',
  shownUrl: URL_,
  attempts: 1,
  ...overrides,
});

const thrown = (fn: () => unknown): SourceError => errorOf(SourceError, fn);

describe('parseJsonBody', () => {
  it('parses a JSON body, whatever content type it came with', () => {
    expect(parseJsonBody(response({ body: '{"result":{"resourceSpans":[]}}' }), 'hint')).toEqual({
      result: { resourceSpans: [] },
    });
    expect(parseJsonBody(response({ contentType: 'text/plain', body: '[1]' }), 'hint')).toEqual([1]);
  });

  it("names an HTML page (the UI's, a login proxy's), by content type or by its first character", () => {
    for (const r of [
      response({ contentType: 'text/html; charset=utf-8', body: '{}' }),
      response({ contentType: 'application/json', body: '\n  <!doctype html><html></html>' }),
    ]) {
      const error = thrown(() => parseJsonBody(r, '--jaeger takes the query URL'));
      expect(error.message).toBe(`${URL_}: answered 200 with an HTML page, not JSON`);
      expect(error.hint).toBe("is this the UI's address or a proxy login page? --jaeger takes the query URL");
    }
  });

  it('says how long a body that is not JSON was and how it starts', () => {
    const error = thrown(() =>
      parseJsonBody(response({ status: 200, body: '{"result": {"resourceSp' }), 'hint'),
    );
    expect(error.message).toBe(
      `${URL_}: answered 200 with a body that is not valid JSON (23 bytes, starting "{\\"result\\": {\\"resourceSp")`,
    );
    expect(error.hint).toBe('the answer may have been cut short by a proxy; try again');
  });

  it('says an empty body is empty, without a start', () => {
    expect(thrown(() => parseJsonBody(response({ status: 502, body: '' }), 'hint')).message).toBe(
      `${URL_}: answered 502 with a body that is not valid JSON (0 bytes)`,
    );
  });
});

describe('backendMessage', () => {
  it("reads the message of Jaeger v3's, Jaeger v1's and a plain {message} envelope", () => {
    expect(backendMessage('{"error":{"httpCode":404,"message":"No traces found"}}')).toBe('No traces found');
    expect(backendMessage('{"data":null,"errors":[{"code":404,"msg":"trace not found"}]}')).toBe(
      'trace not found',
    );
    expect(backendMessage('{"message":"invalid TraceQL query"}')).toBe('invalid TraceQL query');
  });

  it('takes the first line of a plain-text body, cut at 200 characters', () => {
    expect(backendMessage('404 page not found\n')).toBe('404 page not found');
    expect(backendMessage('  first line\nsecond line')).toBe('first line');
    expect(backendMessage('e'.repeat(250))).toBe('e'.repeat(200));
  });

  it('has nothing to say for an empty body', () => {
    expect(backendMessage('')).toBeUndefined();
    expect(backendMessage('   \n')).toBeUndefined();
  });
});

describe('statusError', () => {
  it('tells a 401 and a 403 to bring credentials', () => {
    const hint =
      "pass credentials: OTRACE_TOKEN for a bearer token, --header 'Authorization: …', or user:password@ in the URL";
    const e401 = statusError(response({ status: 401, body: 'unauthorized' }), 'Jaeger api/v3');
    expect(e401).toBeInstanceOf(SourceError);
    expect(e401.message).toBe(`${URL_}: Jaeger api/v3 answered 401 (not authenticated)`);
    expect(e401.hint).toBe(hint);
    const e403 = statusError(response({ status: 403 }), 'Tempo');
    expect(e403.message).toBe(`${URL_}: Tempo answered 403 (forbidden)`);
    expect(e403.hint).toBe(hint);
  });

  it("passes on the backend's own words for a 400", () => {
    const error = statusError(
      response({
        status: 400,
        body: '{"data":null,"errors":[{"code":400,"msg":"parameter \'service\' is required"}]}',
      }),
      'Jaeger api/traces (v1)',
    );
    expect(error.message).toBe(
      `${URL_}: Jaeger api/traces (v1) rejected the request (400): "parameter 'service' is required"`,
    );
    expect(error.hint).toBeUndefined();
  });

  it('says how many attempts a 5xx took and to try again later', () => {
    const error = statusError(
      response({ status: 503, body: 'upstream connect error', attempts: 3 }),
      'Tempo',
    );
    expect(error.message).toBe(`${URL_}: Tempo answered 503 after 3 attempts: "upstream connect error"`);
    expect(error.hint).toBe('the backend is failing; try again later');
  });

  it('gives another status as it is, without a hint', () => {
    const error = statusError(response({ status: 418, body: '' }), 'Tempo');
    expect(error.message).toBe(`${URL_}: Tempo answered 418`);
    expect(error.hint).toBeUndefined();
  });
});

describe('looksLikeHtml', () => {
  it('is true for an HTML content type or a body starting with <', () => {
    expect(looksLikeHtml(response({ contentType: 'text/html' }))).toBe(true);
    expect(looksLikeHtml(response({ contentType: 'text/plain', body: '  <html>' }))).toBe(true);
    expect(looksLikeHtml(response({ contentType: 'application/json', body: '{"a":"<b>"}' }))).toBe(false);
    expect(looksLikeHtml(response({ contentType: 'text/plain', body: '404 page not found' }))).toBe(false);
  });
});
