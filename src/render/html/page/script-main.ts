/**
 * The page: the report's header, notes, checks and tables, then the traces drawn in it, one
 * waterfall shown at a time (the first, or the one a link names: `#trace-<id>` or
 * `#trace-<id>/<spanId>`, which also opens that span). Keys go to the waterfall shown, except
 * while typing in a search box; `/` focuses its search.
 */
export const SCRIPT_MAIN = String.raw`
var app = document.getElementById('app');
var header = add(app, el('header', 'report-head'));
add(header, el('div', 'command dim', data.command));
add(header, el('h1', null, data.title));
add(header, el('p', 'summary', data.summary));
data.notes.forEach(function (note) { add(header, el('p', 'note', note)); });
var report = add(app, el('div', 'report'));
renderChecks(report);
renderDocument(report);

var waterfalls = new Map();
var active = null;
var traceHost = null;
if (data.traces.length > 0) {
  var tracesSection = add(app, el('section', 'traces'));
  tracesSection.id = 'traces';
  if (data.traces.length > 1 || data.document) {
    add(tracesSection, el('h2', null, W.traces));
    var list = add(tracesSection, el('ul', 'trace-list'));
    data.traces.forEach(function (T) {
      var item = add(list, el('li', T.ok ? 'ok' : 'fail'));
      add(item, traceLink(T.id, null, T.id));
      add(item, el('span', 'dim', ' ' + T.verdict));
    });
  }
  traceHost = add(tracesSection, el('div', 'trace-host'));
}

function openTrace(index, spanId, scrollTo) {
  if (!traceHost) return;
  var T = data.traces[index];
  if (!waterfalls.has(T.id)) waterfalls.set(T.id, createWaterfall(T, traceHost));
  waterfalls.forEach(function (w, id) { w.root.hidden = id !== T.id; });
  active = waterfalls.get(T.id);
  active.draw();
  if (spanId) active.selectSpan(spanId);
  if (scrollTo) active.root.scrollIntoView({ block: 'start' });
  active.root.focus({ preventScroll: !scrollTo });
}

function route(scrollTo) {
  var m = /^#trace-([0-9a-f]{32})(?:\/([0-9a-f]{16}))?$/.exec(location.hash);
  if (m && drawnTraces.has(m[1])) openTrace(drawnTraces.get(m[1]), m[2], scrollTo);
  else if (data.traces.length > 0 && !active) openTrace(0, null, false);
}

window.addEventListener('hashchange', function () { route(true); });
document.addEventListener('keydown', function (e) {
  if (!active || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
  var tag = e.target && e.target.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA') return;
  if ((tag === 'A' || tag === 'BUTTON') && (e.key === 'Enter' || e.key === ' ')) return;
  if (e.key === '/') { active.focusSearch(); e.preventDefault(); return; }
  if (active.onKey(e)) e.preventDefault();
});

route(true);
requestAnimationFrame(function () {
  document.body.dataset.firstRenderMs = String(Math.round(performance.now()));
});
`;
