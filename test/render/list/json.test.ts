import { describe, expect, it } from 'vitest';
import type { TraceSummary } from '../../../src/model/summary.js';
import { ListDocumentSchema } from '../../../src/render/contracts/list.js';
import { buildListDocument } from '../../../src/render/list/json.js';
import { tid } from '../../helpers/make-span.js';
import { traceSummary } from '../../helpers/trace-summary.js';

const summary = (overrides: Partial<TraceSummary> = {}) =>
  traceSummary({ rootName: 'GET /users/{id}', services: ['user-service', 'order-service'], ...overrides });

describe('buildListDocument', () => {
  it('one entry per trace, in the order given, satisfying the list contract', () => {
    const doc = buildListDocument([summary(), summary({ traceId: tid('b2'), errorCount: 0 })]);
    expect(ListDocumentSchema.safeParse(doc).error).toBeUndefined();
    expect(doc.schemaVersion).toBe(1);
    expect(doc.traces.map((t) => t.traceId)).toEqual([tid('a1'), tid('b2')]);
  });

  it('writes the start as ISO time and the duration in ms to the microsecond; the rest as it is', () => {
    const { traceId, start, durationMs, ...rest } = summary();
    const [trace] = buildListDocument([summary()]).traces;
    expect(trace).toEqual({
      traceId: '000000000000000000000000000000a1',
      startTime: '2023-11-14T22:13:20.123Z',
      durationMs: 6123.457,
      ...rest,
    });
  });

  it('a trace without its root says so', () => {
    const [trace] = buildListDocument([
      summary({ rootMissing: true, rootName: 'orphan', rootService: 'db' }),
    ]).traces;
    expect(trace).toMatchObject({ rootMissing: true, rootName: 'orphan', rootService: 'db' });
  });

  it('copies the services rather than sharing the summary’s array', () => {
    const s = summary();
    const [trace] = buildListDocument([s]).traces;
    expect(trace!.services).not.toBe(s.services);
    expect(trace!.services).toEqual(s.services);
  });

  it('no traces: an empty list', () => {
    expect(buildListDocument([])).toEqual({ schemaVersion: 1, traces: [] });
  });

  it('keeps names raw (JSON escaping makes them safe)', () => {
    const [trace] = buildListDocument([summary({ rootName: 'a\u001b[2Jb' })]).traces;
    expect(trace!.rootName).toBe('a\u001b[2Jb');
  });
});
