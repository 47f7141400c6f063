/**
 * The hostile trace of terminal-injection.test.ts: ‹H›, a string holding every kind of sequence a
 * terminal or a CI log would act on, in every field a user of an SDK can set.
 *
 *   user-service‹H› › GET /users/‹H›  SERVER, 500
 *   ├─ call order‹H›  CLIENT → order-service‹H›, links with ‹H› attributes and unusable ‹H› ids
 *   │  └─ order-service‹H› › GET /orders/‹H›  SERVER, error.type Boom‹H›, event evt‹H›, exception
 *   └─ call again‹H›  CLIENT → order-service‹H›, never answered (unanswered-client)
 *   order-service‹H› › orphan‹H›  parent missing (orphan-span)
 */
export const H =
  'A\u001b[2JB\u001b[31mC\u001b]0;pwned\u0007D\u001b]8;;http://x\u001b\\E\u009b31mF\u0085G\u0007H\bI\rJ\u0000K\u202eL\u2066M\u2067N\u2068O\u2069P\u007fQ%0A::warning::injected';
/** ‹H› as a terminal must see it: each control spelt out, the printable rest untouched. */
export const H_ESCAPED =
  'A\\u{1b}[2JB\\u{1b}[31mC\\u{1b}]0;pwned\\u{07}D\\u{1b}]8;;http://x\\u{1b}\\E\\u{9b}31mF\\u{85}G\\u{07}H\\u{08}I\\rJ\\u{00}K\\u{202e}L\\u{2066}M\\u{2067}N\\u{2068}O\\u{2069}P\\u{7f}Q%0A::warning::injected';
/** What must never reach a terminal raw: C0 but tab and newline, DEL, C1, bidi marks and controls. */
export const RAW_CONTROL =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export const USER = `user-service${H}`;
export const ORDER = `order-service${H}`;
export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
/** A bad span id, refused with a message that quotes it: C1 and bidi within its first 40 characters. */
const BAD_ID = '\u009b2J\u202eid\u001b]0;x\u0007';
export const BAD_ID_QUOTED = '"\\u{9b}2J\\u{202e}id\\u001b]0;x\\u0007"';
export const EXCEPTION = {
  type: `Err${H}`,
  message: `msg${H}\nsecond line`,
  stacktrace: `at f${H}\r\n  at g${H}\n`,
};

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const at = (ms: number) => String(1_700_000_000_000_000_000n + BigInt(ms) * 1_000_000n);
export const span = (
  id: number,
  parent: number | undefined,
  name: string,
  kind: number,
  from: number,
  to: number,
) => ({
  traceId: TRACE_ID,
  spanId: id.toString(16).padStart(16, '0'),
  parentSpanId: parent === undefined ? '' : parent.toString(16).padStart(16, '0'),
  name,
  kind,
  startTimeUnixNano: at(from),
  endTimeUnixNano: at(to),
});
export const resourceSpans = (service: string, spans: unknown[]) => ({
  resource: { attributes: [str('service.name', service)] },
  scopeSpans: [{ scope: { name: `scope${H}` }, spans }],
});

export const BAD_ID_DOC = {
  resourceSpans: [resourceSpans('svc', [{ ...span(1, undefined, 'x', 1, 0, 1), spanId: BAD_ID }])],
};
export const HOSTILE_DOC = {
  resourceSpans: [
    resourceSpans(USER, [
      {
        ...span(1, undefined, `GET /users/${H}`, 2, 0, 100),
        attributes: [
          str('http.route', `/users/${H}`),
          { key: 'http.response.status_code', value: { intValue: '500' } },
        ],
        status: { code: 2, message: `root failed${H}` },
      },
      {
        ...span(2, 1, `call order${H}`, 3, 10, 90),
        attributes: [str('peer.service', ORDER)],
        status: { code: 2, message: `upstream${H}` },
        links: [
          { traceId: TRACE_ID, spanId: '00000000000000aa', attributes: [str('link.reason', `retry${H}`)] },
          { traceId: `trace${H}`, spanId: `span${H}` },
        ],
      },
      { ...span(4, 1, `call again${H}`, 3, 91, 95), attributes: [str('peer.service', ORDER)] },
    ]),
    resourceSpans(ORDER, [
      {
        ...span(3, 2, `GET /orders/${H}`, 2, 20, 80),
        attributes: [str('error.type', `Boom${H}`)],
        status: { code: 2, message: `status${H}` },
        events: [
          { name: `evt${H}`, timeUnixNano: at(30), attributes: [str('detail', H)] },
          {
            name: 'exception',
            timeUnixNano: at(79),
            attributes: [
              str('exception.type', EXCEPTION.type),
              str('exception.message', EXCEPTION.message),
              str('exception.stacktrace', EXCEPTION.stacktrace),
            ],
          },
        ],
      },
      span(5, 0xff, `orphan${H}`, 1, 50, 60),
    ]),
  ],
};
export const RULES = {
  rules: [
    { name: `no origins in ${ORDER}`, type: 'no-error-origins', select: { service: ORDER } },
    { type: 'propagation', from: USER, to: ORDER },
    { type: 'required-attributes', select: { service: USER }, attributes: [`tenant${H}`] },
    { type: 'no-orphans' },
  ],
};
