import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/errors.js';
import {
  decodeJaegerServices,
  decodeJaegerSummaries,
  decodeTempoSearch,
} from '../../src/schema/search-answers.js';
import { errorOf } from '../helpers/error-of.js';

const URL_ = 'http://jaeger:16686/api/v3/trace-summaries';

const sourceErrorOf = (fn: () => unknown): SourceError => errorOf(SourceError, fn);

describe('decodeJaegerSummaries', () => {
  it('reads a summary into one line of a trace: times, counts, root and services', () => {
    const [summary, ...rest] = decodeJaegerSummaries(
      {
        summaries: [
          {
            traceId: '4BF92F3577B34DA6A3CE929D0E0E4736',
            rootServiceName: 'frontend',
            rootOperationName: 'HTTP GET /dispatch',
            minStartTimeUnixNano: '1700000000000000000',
            maxEndTimeUnixNano: '1700000000012500000',
            spanCount: 39,
            errorSpanCount: 2,
            services: [{ name: 'frontend' }, { name: 'redis-manual' }],
          },
        ],
      },
      URL_,
    );
    expect(rest).toEqual([]);
    expect(summary).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      start: 1_700_000_000_000_000_000n,
      durationMs: 12.5,
      spanCount: 39,
      errorCount: 2,
      rootService: 'frontend',
      rootName: 'HTTP GET /dispatch',
      rootMissing: false,
      services: ['frontend', 'redis-manual'],
    });
  });

  it('reads counts left out as zero (proto3 JSON omits them), and no root as a missing root', () => {
    const [summary] = decodeJaegerSummaries(
      { summaries: [{ traceId: 'abc', minStartTimeUnixNano: 1_000_000 }] },
      URL_,
    );
    expect(summary).toEqual({
      traceId: `${'0'.repeat(29)}abc`,
      start: 1_000_000n,
      durationMs: 0,
      spanCount: 0,
      errorCount: 0,
      rootService: '',
      rootName: '',
      rootMissing: true,
      services: [],
    });
  });

  it('is empty when there are no summaries', () => {
    expect(decodeJaegerSummaries({}, URL_)).toEqual([]);
    expect(decodeJaegerSummaries({ summaries: null }, URL_)).toEqual([]);
  });

  it('refuses another shape as a source error that says where, and to check the URL', () => {
    const error = sourceErrorOf(() => decodeJaegerSummaries({ summaries: [{ traceId: 7 }] }, URL_));
    expect(error.exitCode).toBe(3);
    expect(error.message.startsWith(`${URL_}: summaries[0].traceId: `)).toBe(true);
    expect(error.hint).toBe("this does not look like Jaeger's trace-summaries answer; check the URL");
  });

  it('refuses a trace id that is not hex', () => {
    expect(
      sourceErrorOf(() =>
        decodeJaegerSummaries({ summaries: [{ traceId: 'S/kvNXezTaajzpKdDg5HNg==' }] }, URL_),
      ).message,
    ).toBe(`${URL_}: "S/kvNXezTaajzpKdDg5HNg==" is not a trace id`);
  });
});

describe('decodeJaegerServices', () => {
  it('reads v3 {services} and v1 {data}, sorted', () => {
    expect(decodeJaegerServices({ services: ['route', 'customer', 'frontend'] }, URL_)).toEqual([
      'customer',
      'frontend',
      'route',
    ]);
    expect(decodeJaegerServices({ data: ['b', 'a'], total: 2 }, URL_)).toEqual(['a', 'b']);
    expect(decodeJaegerServices({ services: null }, URL_)).toEqual([]);
  });

  it('refuses a list that is not of names', () => {
    const error = sourceErrorOf(() => decodeJaegerServices({ services: [1] }, URL_));
    expect(error.message.startsWith(`${URL_}: services[0]: `)).toBe(true);
    expect(error.hint).toBe("this does not look like Jaeger's services answer; check the URL");
  });
});

describe('decodeTempoSearch', () => {
  const SEARCH = 'http://tempo:3200/api/search';

  it("reads the hits' trace ids, padding those Tempo wrote without leading zeros", () => {
    expect(
      decodeTempoSearch(
        {
          traces: [
            { traceID: '2f3e0cee77ae5dc9c17ade3689eb2e54', rootServiceName: 'x' },
            { traceID: 'c17ade3689eb2e54' },
          ],
        },
        SEARCH,
      ),
    ).toEqual(['2f3e0cee77ae5dc9c17ade3689eb2e54', '0000000000000000c17ade3689eb2e54']);
  });

  it('is empty without hits, and refuses another shape or a bad id', () => {
    expect(decodeTempoSearch({}, SEARCH)).toEqual([]);
    expect(decodeTempoSearch({ traces: [] }, SEARCH)).toEqual([]);
    expect(sourceErrorOf(() => decodeTempoSearch({ traces: 'x' }, SEARCH)).hint).toBe(
      "this does not look like Tempo's search answer; check the URL",
    );
    expect(sourceErrorOf(() => decodeTempoSearch({ traces: [{ traceID: 'zz' }] }, SEARCH)).message).toBe(
      `${SEARCH}: "zz" is not a trace id`,
    );
  });
});
