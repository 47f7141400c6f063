import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/errors.js';
import { BACKEND_HINTS, BACKEND_KINDS, createBackend } from '../../src/sources/backends.js';
import type { HttpOptions } from '../../src/sources/http-client.js';
import { JaegerBackend } from '../../src/sources/jaeger-backend.js';
import { TempoBackend } from '../../src/sources/tempo-backend.js';
import type { ZipkinBackend } from '../../src/sources/zipkin-backend.js';

const OPTIONS: HttpOptions = { headers: {}, token: undefined, timeoutMs: 1000, retries: 0 };

describe('createBackend', () => {
  it('makes the backend of each kind, with the base URL as shown (no trailing slash, no credentials)', async () => {
    const jaeger = createBackend('jaeger', 'http://user:secret@jaeger:16686/', OPTIONS);
    expect(jaeger).toBeInstanceOf(JaegerBackend);
    expect(jaeger.kind).toBe('jaeger');
    expect(jaeger.baseUrl).toBe('http://jaeger:16686');
    const tempo = createBackend('tempo', 'http://tempo:3200/base', OPTIONS);
    expect(tempo).toBeInstanceOf(TempoBackend);
    expect(tempo.kind).toBe('tempo');
    expect(tempo.baseUrl).toBe('http://tempo:3200/base');
    // Nothing was asked: closing loads and opens nothing.
    await jaeger.close();
    await tempo.close();
  });

  it('makes a backend for every kind, each with its own hint', () => {
    expect(BACKEND_KINDS).toEqual(['jaeger', 'tempo', 'zipkin']);
    for (const kind of BACKEND_KINDS) {
      const backend = createBackend(kind, 'http://127.0.0.1:1', OPTIONS);
      expect(backend.kind).toBe(kind);
      expect((backend as JaegerBackend | TempoBackend | ZipkinBackend).client.hint).toBe(BACKEND_HINTS[kind]);
    }
    expect(BACKEND_HINTS.jaeger).toContain('16686');
    expect(BACKEND_HINTS.tempo).toContain('3200');
    expect(BACKEND_HINTS.zipkin).toContain('9411');
  });

  it('refuses a URL that is not one, with the hint of the backend it was meant for', () => {
    let error: unknown;
    try {
      createBackend('jaeger', 'not a url', OPTIONS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toBe('"not a url" is not a URL');
    expect((error as SourceError).hint).toBe(BACKEND_HINTS.jaeger);
  });

  it('refuses a URL without its scheme, and says how to write it', () => {
    let error: unknown;
    try {
      createBackend('jaeger', 'localhost:16686', OPTIONS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toBe('"localhost:16686" is not an http or https URL');
    expect((error as SourceError).hint).toBe('write it with its scheme: http://localhost:16686');
  });
});
