/**
 * One trace's waterfall: the span tree on the left, time bars on the right, only the rows in view
 * in the DOM (virtual scrolling: a 100,000-span trace keeps a few dozen row elements, rebuilt as
 * it scrolls). Rows are the spans in tree order, less the subtrees folded away and, with "only
 * matches", the spans neither matching the search nor above a match; every sweep is a loop over
 * the columns, never a recursion (a trace may be 70,000 levels deep).
 *
 *   tree order   0 root  1 a  2 a.1  3 a.2  4 b      end[1] = 4: a's subtree is 1..3
 *   a folded     rows = 0 1 4                         (skip from 1 to end[1])
 */
export const SCRIPT_WATERFALL = String.raw`
var ROW = 22;
var AXIS = 20;
var OVERSCAN = 10;
var INDENT = 12;
var MAX_INDENT = 24;
var FL = data.flags;
var LOOKS = data.looks;

function createWaterfall(T, host) {
  var n = T.parent.length;
  var depth = new Int32Array(n);
  var end = new Int32Array(n);
  var i, k, p;
  for (i = 0; i < n; i++) { p = T.parent[i]; depth[i] = p < 0 ? 0 : depth[p] + 1; end[i] = i + 1; }
  for (i = n - 1; i >= 0; i--) { p = T.parent[i]; if (p >= 0 && end[i] > end[p]) end[p] = end[i]; }
  var marksBy = new Map();
  for (k = 0; k < T.marks.length; k += 3) {
    if (!marksBy.has(T.marks[k])) marksBy.set(T.marks[k], []);
    marksBy.get(T.marks[k]).push(T.marks[k + 1], T.marks[k + 2]);
  }
  var criticalBy = new Map();
  for (k = 0; k < T.critical.length; k += 3) {
    if (!criticalBy.has(T.critical[k])) criticalBy.set(T.critical[k], []);
    criticalBy.get(T.critical[k]).push(T.critical[k + 1], T.critical[k + 2]);
  }
  var total = Math.max(T.totalUs, 1);
  var collapsed = new Uint8Array(n);
  var match = null, keep = null, onlyMatches = false, hay = null;
  var rows = new Int32Array(0);
  var selected = n > 0 ? 0 : -1;
  var detailsOpen = false;
  var shownFirst = -1, shownLast = -1, pending = false;

  var root = add(host, el('section', 'waterfall'));
  root.tabIndex = 0;
  var head = add(root, el('div', 'trace-head'));
  add(head, el('div', 'mono', T.head));
  if (T.root) add(head, el('div', 'dim', T.root));
  add(head, el('div', T.ok ? 'verdict ok' : 'verdict fail', (T.ok ? '✓ ' : '✗ ') + T.verdict));
  var legend = add(head, el('div', 'legend'));
  T.services.forEach(function (s) {
    var chip = add(legend, el('span', 'chip'));
    add(chip, el('span', 'dot c' + s[1]));
    add(chip, el('span', null, S(s[0])));
  });
  var tools = add(root, el('div', 'tools'));
  var input = add(tools, el('input', 'search'));
  input.type = 'search';
  input.placeholder = W.search;
  input.setAttribute('aria-label', W.search);
  var onlyLabel = add(tools, el('label', 'only'));
  var only = add(onlyLabel, el('input'));
  only.type = 'checkbox';
  add(onlyLabel, el('span', null, ' ' + W.onlyMatches));
  var count = add(tools, el('span', 'count'));
  var expandAll = add(tools, el('button', null, W.expandAll));
  var collapseAll = add(tools, el('button', null, W.collapseAll));
  add(tools, el('span', 'help dim', W.help));
  var main = add(root, el('div', 'wf-main'));
  var scroll = add(main, el('div', 'wf-scroll'));
  // The time axis stays on top as the rows scroll under it.
  var axis = add(scroll, el('div', 'axis'));
  add(axis, el('div', 'lbl', n + ' ' + W.spans));
  var ticks = add(axis, el('div', 'bars'));
  T.ticks.forEach(function (t, j) {
    var tick = add(ticks, el('span', 'tick', S(t)));
    tick.style.left = (j * 100 / (T.ticks.length - 1)) + '%';
  });
  var canvas = add(scroll, el('div', 'wf-canvas'));
  var panel = add(main, el('aside', 'details'));
  panel.hidden = true;

  function computeRows() {
    var out = new Int32Array(n), m = 0;
    for (var j = 0; j < n;) {
      if (onlyMatches && keep && !keep[j]) { j = end[j]; continue; }
      out[m++] = j;
      j = collapsed[j] ? end[j] : j + 1;
    }
    rows = out.subarray(0, m);
    canvas.style.height = (m * ROW) + 'px';
  }

  function rowElement(j, pos) {
    var f = T.flags[j];
    var cls = 'row';
    if (f & FL.failed) cls += ' failed';
    if (j === selected) cls += ' sel';
    if (match && match[j]) cls += ' match';
    var r = el('div', cls);
    r.style.top = (pos * ROW) + 'px';
    r.dataset.i = String(j);
    var label = add(r, el('div', 'lbl'));
    label.style.paddingLeft = (Math.min(depth[j], MAX_INDENT) * INDENT + 4) + 'px';
    add(label, el('span', 'tog', end[j] > j + 1 ? (collapsed[j] ? '▸' : '▾') : ''));
    if (depth[j] > MAX_INDENT) add(label, el('span', 'deep', W.depth + ' ' + depth[j]));
    var service = T.services[T.service[j]];
    add(label, el('span', 'dot c' + service[1]));
    add(label, el('span', 'name', S(T.name[j]) || W.noName));
    add(label, el('span', 'svc', ' (' + S(service[0]) + ')'));
    var marks = marksBy.get(j);
    if (marks) for (var m = 0; m < marks.length; m += 2) add(label, el('span', 'mark ' + LOOKS[marks[m]], S(marks[m + 1])));
    if (collapsed[j]) add(label, el('span', 'dim', ' +' + (end[j] - j - 1)));
    label.title = label.textContent;
    var bars = add(r, el('div', 'bars'));
    var left = T.startUs[j] / total * 100;
    var width = T.durationUs[j] / total * 100;
    var bar = add(bars, el('div', 'bar c' + service[1] + ((f & FL.failed) ? ' bad' : '')));
    bar.style.left = left + '%';
    bar.style.width = width + '%';
    var sections = criticalBy.get(j);
    if (sections) for (var c = 0; c < sections.length; c += 2) {
      var crit = add(bars, el('div', 'crit'));
      crit.style.left = (sections[c] / total * 100) + '%';
      crit.style.width = ((sections[c + 1] - sections[c]) / total * 100) + '%';
    }
    var duration = add(bars, el('span', (f & FL.criticalChain) ? 'dur critical' : 'dur', S(T.durationText[j]) + ((f & FL.criticalChain) ? '*' : '')));
    // After the bar where there is room, else before it, else inside its right end.
    if (left + width <= 75) duration.style.left = (left + width) + '%';
    else if (left >= 12) duration.style.right = (100 - left) + '%';
    else { duration.style.right = (100 - left - width) + '%'; duration.classList.add('inside'); }
    return r;
  }

  function draw(force) {
    var top = scroll.scrollTop, height = scroll.clientHeight || 600;
    var first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    var last = Math.min(rows.length, Math.ceil((top + height - AXIS) / ROW) + OVERSCAN);
    if (!force && first === shownFirst && last === shownLast) return;
    shownFirst = first;
    shownLast = last;
    var fragment = document.createDocumentFragment();
    for (var pos = first; pos < last; pos++) fragment.appendChild(rowElement(rows[pos], pos));
    canvas.replaceChildren(fragment);
  }

  function redraw() { computeRows(); draw(true); }

  function reveal(j) {
    for (var a = T.parent[j]; a >= 0; a = T.parent[a]) collapsed[a] = 0;
    if (onlyMatches && keep && !keep[j]) { onlyMatches = false; only.checked = false; }
    computeRows();
    var pos = rows.indexOf(j);
    var height = scroll.clientHeight || 600;
    // Under the axis: row pos spans AXIS + pos * ROW .. AXIS + (pos + 1) * ROW of the scrolled area.
    if (pos * ROW < scroll.scrollTop) scroll.scrollTop = pos * ROW;
    else if (AXIS + (pos + 1) * ROW > scroll.scrollTop + height) scroll.scrollTop = AXIS + (pos + 1) * ROW - height;
    draw(true);
  }

  function select(j, open) {
    if (j < 0 || j >= n) return;
    selected = j;
    if (open) detailsOpen = true;
    if (detailsOpen) {
      panel.hidden = false;
      renderDetails(panel, T, j, marksBy.get(j), closeDetails);
    }
    reveal(j);
  }

  function closeDetails() {
    detailsOpen = false;
    panel.hidden = true;
    root.focus();
  }

  function toggle(j, open) {
    if (end[j] <= j + 1) return;
    collapsed[j] = open === undefined ? (collapsed[j] ? 0 : 1) : (open ? 0 : 1);
    redraw();
  }

  function haystack() {
    if (hay) return hay;
    hay = new Array(n);
    for (var j = 0; j < n; j++) {
      var parts = [S(T.name[j]), S(T.services[T.service[j]][0])];
      var a = T.attributes[j];
      if (a) for (var q = 0; q + 1 < a.length; q += 2) parts.push(S(a[q]) + '=' + S(a[q + 1]));
      hay[j] = parts.join('\n').toLowerCase();
    }
    return hay;
  }

  function search(text) {
    var q = text.trim().toLowerCase();
    if (!q) { match = null; keep = null; count.textContent = ''; redraw(); return; }
    var h = haystack(), found = 0;
    match = new Uint8Array(n);
    for (var j = 0; j < n; j++) if (h[j].indexOf(q) >= 0) { match[j] = 1; found++; }
    keep = new Uint8Array(match);
    for (j = n - 1; j >= 0; j--) if (keep[j] && T.parent[j] >= 0) keep[T.parent[j]] = 1;
    count.textContent = found + ' ' + (found === 1 ? W.match : W.matches);
    redraw();
  }

  function nextMatch(step) {
    if (!match) return;
    for (var d = 1; d <= n; d++) {
      var j = ((selected + step * d) % n + n) % n;
      if (match[j]) { select(j, false); return; }
    }
  }

  function move(step) {
    var pos = rows.indexOf(selected);
    var next = Math.min(rows.length - 1, Math.max(0, (pos < 0 ? 0 : pos) + step));
    if (rows.length > 0) select(rows[next], false);
  }

  function onKey(e) {
    var j = selected;
    var pageRows = Math.max(1, Math.floor(((scroll.clientHeight || 600) - AXIS) / ROW) - 1);
    if (e.key === 'ArrowDown') move(1);
    else if (e.key === 'ArrowUp') move(-1);
    else if (e.key === 'PageDown') move(pageRows);
    else if (e.key === 'PageUp') move(-pageRows);
    else if (e.key === 'Home') move(-n);
    else if (e.key === 'End') move(n);
    else if (e.key === 'ArrowRight' && j >= 0) {
      if (collapsed[j]) toggle(j, true);
      else if (end[j] > j + 1) select(j + 1, false);
    } else if (e.key === 'ArrowLeft' && j >= 0) {
      if (end[j] > j + 1 && !collapsed[j]) toggle(j, false);
      else if (T.parent[j] >= 0) select(T.parent[j], false);
    } else if (e.key === 'Enter' && j >= 0) {
      if (end[j] > j + 1) toggle(j);
      else select(j, true);
    }
    else if (e.key === ' ' && j >= 0) select(j, true);
    else if (e.key === 'Escape') closeDetails();
    else return false;
    return true;
  }

  scroll.addEventListener('scroll', function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; draw(false); });
  });
  canvas.addEventListener('click', function (e) {
    var row = e.target.closest('.row');
    if (!row) return;
    var j = Number(row.dataset.i);
    if (e.target.classList.contains('tog')) { selected = j; toggle(j); } else select(j, true);
    root.focus({ preventScroll: true });
  });
  var timer = 0;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, 120);
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter') { clearTimeout(timer); search(input.value); nextMatch(e.shiftKey ? -1 : 1); e.preventDefault(); }
    else if (e.key === 'Escape') { root.focus(); e.preventDefault(); }
    e.stopPropagation();
  });
  only.addEventListener('change', function () { onlyMatches = only.checked; redraw(); });
  expandAll.addEventListener('click', function () { collapsed.fill(0); redraw(); });
  collapseAll.addEventListener('click', function () {
    for (var j = 0; j < n; j++) collapsed[j] = end[j] > j + 1 ? 1 : 0;
    if (selected >= 0) for (var a = T.parent[selected]; a >= 0; a = T.parent[a]) selected = a;
    redraw();
  });
  window.addEventListener('resize', function () { draw(true); });

  redraw();
  return {
    root: root,
    onKey: onKey,
    focusSearch: function () { input.focus(); input.select(); },
    selectSpan: function (spanId) { var j = spanIndexOf(T, spanId); if (j >= 0) select(j, true); },
    draw: function () { draw(true); },
  };
}
`;
