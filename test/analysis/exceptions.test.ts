import { describe, expect, it } from 'vitest';
import { exceptionOf, extractExceptions } from '../../src/analysis/exceptions.js';
import type { Attributes, SpanEvent } from '../../src/model/types.js';
import { makeSpan, ms } from '../helpers/make-span.js';

const event = (name: string, attributes: Attributes): SpanEvent => ({ name, time: ms(1), attributes });

describe('exceptionOf', () => {
  it('reads an OTLP exception event', () => {
    expect(
      exceptionOf(
        event('exception', {
          'exception.type': 'TypeError',
          'exception.message': "Cannot read properties of undefined (reading 'id')",
          'exception.stacktrace': 'TypeError: …\n    at handler (app.js:10:5)',
        }),
      ),
    ).toEqual({
      type: 'TypeError',
      message: "Cannot read properties of undefined (reading 'id')",
      stacktrace: 'TypeError: …\n    at handler (app.js:10:5)',
    });
  });

  it("reads a Go service's `error` event carrying exception.message", () => {
    expect(exceptionOf(event('error', { 'exception.message': 'redis timeout' }))).toEqual({
      type: '',
      message: 'redis timeout',
      stacktrace: '',
    });
  });

  it('reads an OpenTracing-style error log: error.kind, error.object / message, stack', () => {
    expect(
      exceptionOf(
        event('error', { 'error.kind': 'IOError', 'error.object': 'disk full', stack: 'at write()' }),
      ),
    ).toEqual({ type: 'IOError', message: 'disk full', stacktrace: 'at write()' });
    expect(exceptionOf(event('error', { 'error.type': 'Timeout', message: 'gave up' }))).toEqual({
      type: 'Timeout',
      message: 'gave up',
      stacktrace: '',
    });
  });

  it('reads an event named by its `event` attribute (Jaeger logs, Tempo conversions), in any case', () => {
    expect(exceptionOf(event('', { event: 'exception', 'exception.type': 'E' }))).toMatchObject({
      type: 'E',
    });
    expect(exceptionOf(event('Exception', { 'exception.type': 'E' }))).toMatchObject({ type: 'E' });
  });

  it('an empty exception event still records an exception; an empty error event does not', () => {
    expect(exceptionOf(event('exception', {}))).toEqual({ type: '', message: '', stacktrace: '' });
    expect(exceptionOf(event('error', {}))).toBeUndefined();
  });

  it('is nothing for any other event', () => {
    expect(exceptionOf(event('retry', { 'exception.type': 'E' }))).toBeUndefined();
    expect(exceptionOf(event('', { 'exception.type': 'E' }))).toBeUndefined();
  });

  it('prefers the OTLP names over the older ones', () => {
    expect(
      exceptionOf(
        event('exception', {
          'exception.type': 'New',
          'error.kind': 'Old',
          'exception.message': 'new message',
          message: 'old message',
        }),
      ),
    ).toMatchObject({ type: 'New', message: 'new message' });
  });
});

describe('extractExceptions', () => {
  it('lists every exception of a span in event order, skipping other events', () => {
    const span = makeSpan({
      events: [
        event('exception', { 'exception.type': 'ECONNRESET', 'exception.message': 'socket hang up' }),
        event('retry', { attempt: 2 }),
        event('exception', { 'exception.type': 'ECONNREFUSED', 'exception.message': 'connect ECONNREFUSED' }),
      ],
    });
    expect(extractExceptions(span).map((e) => e.type)).toEqual(['ECONNRESET', 'ECONNREFUSED']);
  });

  it('is empty for a span without events', () => {
    expect(extractExceptions(makeSpan())).toEqual([]);
  });
});
