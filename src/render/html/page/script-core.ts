/**
 * The page script's helpers: the data (parsed once from the page's JSON block), the strings table,
 * and `el`, the only way the page makes an element. Text from the data is only ever set through
 * textContent, never as markup, and no element gets an attribute from span data except
 * `href="#trace-…"` built from an id the page checked is hex.
 *
 * Kept as plain JavaScript text (String.raw: backslashes as written; no template literals inside),
 * so that `tsc` copies it to dist/ as any module and no build step is needed.
 */
export const SCRIPT_CORE =
  // biome-ignore lint/complexity/noUselessStringRaw: page code stays raw, so that a backslash added to it is written as typed
  String.raw`
var data = JSON.parse(document.getElementById('otrace-data').textContent);
var W = data.words;
var STR = data.strings;
var TRACE_ID = /^[0-9a-f]{32}$/;
var SPAN_ID = /^[0-9a-f]{16}$/;

function S(i) { return i >= 0 ? STR[i] : ''; }

function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function add(parent, child) { parent.appendChild(child); return child; }

/** A link to a trace drawn in this page, or plain text when it is not drawn here. */
function traceLink(id, spanId, text) {
  if (typeof id !== 'string' || !TRACE_ID.test(id) || !drawnTraces.has(id)) return el('span', 'mono', text || id);
  var a = el('a', 'mono', text || id);
  a.href = '#trace-' + id + (typeof spanId === 'string' && SPAN_ID.test(spanId) ? '/' + spanId : '');
  return a;
}

/** A span's id: 16 characters of the trace's one string of ids, or an entry of its list. */
function spanIdOf(T, i) {
  return typeof T.spanIds === 'string' ? T.spanIds.slice(i * 16, i * 16 + 16) : T.spanIds[i];
}

/** The span with this id, -1 for none; in the string, only a match at a 16-character boundary. */
function spanIndexOf(T, id) {
  if (typeof T.spanIds !== 'string') return T.spanIds.indexOf(id);
  for (var at = T.spanIds.indexOf(id); at >= 0; at = T.spanIds.indexOf(id, at + 1)) if (at % 16 === 0) return at / 16;
  return -1;
}

var drawnTraces = new Map();
for (var t = 0; t < data.traces.length; t++) drawnTraces.set(data.traces[t].id, t);
`;
