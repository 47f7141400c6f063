/**
 * The report as tables, for any command's document: scalar fields as a list of facts, arrays of
 * objects as tables (a row's `traceId` links to the trace drawn in the page, at its `spanId` when
 * the row names one), arrays of ids (`examples`) as links, nested objects as their own list, a
 * few levels deep (a report's document is shallow; deeper values are shown as JSON).
 */
export const SCRIPT_TABLES =
  // biome-ignore lint/complexity/noUselessStringRaw: page code stays raw, so that a backslash added to it is written as typed
  String.raw`
var MAX_DOCUMENT_DEPTH = 3;

function renderChecks(parent) {
  if (data.checks.length === 0) return;
  add(parent, el('h2', null, W.checks));
  var table = add(parent, el('table', 'checks'));
  var head = add(add(table, el('thead')), el('tr'));
  [W.status, W.severity, W.check, W.message, W.trace].forEach(function (h) { add(head, el('th', null, h)); });
  var body = add(table, el('tbody'));
  data.checks.forEach(function (c) {
    var tr = add(body, el('tr', c.status === 'failed' ? 'failed ' + c.severity : 'passed'));
    add(tr, el('td', 'status', c.status === 'failed' ? '✗ ' + W.failed : '✓ ' + W.passed));
    add(tr, el('td', null, c.severity));
    add(tr, el('td', null, c.name));
    var message = add(tr, el('td'));
    add(message, el('div', null, c.message));
    if (c.details) add(message, el('pre', 'details', c.details));
    var trace = add(tr, el('td'));
    if (c.traceId) add(trace, traceLink(c.traceId));
  });
}

function isPlainObject(v) { return typeof v === 'object' && v !== null && !Array.isArray(v); }

function cellText(v) {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v) && v.every(function (x) { return typeof x !== 'object' || x === null; })) return v.join(', ');
  if (isPlainObject(v) && Object.keys(v).every(function (k) { return typeof v[k] !== 'object' || v[k] === null; }))
    return Object.keys(v).map(function (k) { return k + ': ' + (v[k] === null ? '–' : v[k]); }).join(', ');
  var json = JSON.stringify(v);
  return json.length > 300 ? json.slice(0, 300) + '…' : json;
}

function renderCell(td, key, value, row) {
  if ((key === 'traceId' || key === 'relatedTraceId') && typeof value === 'string') {
    add(td, traceLink(value, key === 'traceId' ? row.spanId : row.relatedSpanId));
  } else if (key === 'examples' && Array.isArray(value)) {
    value.forEach(function (id, i) { if (i > 0) add(td, document.createTextNode(' ')); add(td, traceLink(id)); });
  } else if (isPlainObject(value) && typeof value.traceId === 'string') {
    renderTraceItem(td, value);
  } else if (Array.isArray(value) && value.length > 0 && value.every(isPlainObject)) {
    // Evidence, alternatives: one line an item, linked to its trace where it names one.
    value.forEach(function (item) {
      var line = add(td, el('div'));
      if (typeof item.traceId === 'string') renderTraceItem(line, item);
      else line.textContent = cellText(item);
    });
  } else {
    td.textContent = cellText(value);
  }
}

function renderTraceItem(parent, item) {
  add(parent, traceLink(item.traceId, item.spanId));
  var rest = {};
  Object.keys(item).forEach(function (k) { if (k !== 'traceId') rest[k] = item[k]; });
  add(parent, el('span', 'dim', ' ' + cellText(rest)));
}

function renderTable(parent, rows) {
  var columns = [];
  rows.slice(0, 50).forEach(function (r) {
    if (isPlainObject(r)) Object.keys(r).forEach(function (k) { if (columns.indexOf(k) < 0) columns.push(k); });
  });
  var table = add(parent, el('table', 'doc'));
  var head = add(add(table, el('thead')), el('tr'));
  columns.forEach(function (c) { add(head, el('th', null, c)); });
  var body = add(table, el('tbody'));
  rows.forEach(function (r) {
    var tr = add(body, el('tr'));
    if (!isPlainObject(r)) {
      var note = add(tr, el('td', 'dim', cellText(r)));
      note.colSpan = Math.max(1, columns.length);
      return;
    }
    columns.forEach(function (c) { renderCell(add(tr, el('td')), c, r[c], r); });
  });
}

function renderFields(parent, object, depth) {
  var facts = null;
  Object.keys(object).forEach(function (key) {
    if (key === 'schemaVersion') return;
    var value = object[key];
    var nested = Array.isArray(value) ? value.some(isPlainObject) : isPlainObject(value);
    if (!nested || depth >= MAX_DOCUMENT_DEPTH) {
      if (!facts) facts = add(parent, el('dl', 'facts'));
      add(facts, el('dt', null, key));
      var dd = add(facts, el('dd'));
      renderCell(dd, key, value, object);
      return;
    }
    facts = null;
    var section = add(parent, el('section', 'field'));
    add(section, el('h3', null, key + (Array.isArray(value) ? ' (' + value.filter(isPlainObject).length + ')' : '')));
    if (Array.isArray(value)) renderTable(section, value);
    else renderFields(section, value, depth + 1);
  });
}

function renderDocument(parent) {
  if (!isPlainObject(data.document)) return;
  add(parent, el('h2', null, W.document));
  renderFields(parent, data.document, 1);
}
`;
