/**
 * The details of one span, built into the panel beside the waterfall: its facts, the markers the
 * analysis gave it, exceptions with their stacks, performance findings, attributes, resource,
 * events and links (a link to a trace drawn in the page goes there).
 */
export const SCRIPT_DETAILS =
  // biome-ignore lint/complexity/noUselessStringRaw: page code stays raw, so that a backslash added to it is written as typed
  String.raw`
function renderAttributes(parent, title, list) {
  if (!list || list.length === 0) return;
  if (title) add(parent, el('h4', null, title));
  var table = add(parent, el('table', 'attrs'));
  for (var k = 0; k + 1 < list.length; k += 2) {
    var tr = add(table, el('tr'));
    add(tr, el('th', null, S(list[k])));
    add(tr, el('td', null, S(list[k + 1])));
  }
}

function renderDetails(panel, T, i, marks, close) {
  panel.replaceChildren();
  var top = add(panel, el('div', 'details-head'));
  add(top, el('h3', 'name', S(T.name[i]) || W.noName));
  var button = add(top, el('button', 'close', W.close));
  button.type = 'button';
  button.addEventListener('click', close);
  var service = T.services[T.service[i]];
  var who = add(panel, el('div', 'who'));
  add(who, el('span', 'dot c' + service[1]));
  add(who, el('span', null, S(service[0])));
  if (marks) {
    var line = add(panel, el('div', 'marks'));
    for (var m = 0; m < marks.length; m += 2) add(line, el('span', 'mark ' + LOOKS[marks[m]], S(marks[m + 1])));
  }
  var facts = add(panel, el('dl', 'facts'));
  var fact = function (label, value, cls) {
    if (value === '' || value === undefined) return;
    add(facts, el('dt', null, label));
    add(facts, el('dd', cls || null, value));
  };
  var parent = T.parent[i];
  fact(W.spanId, spanIdOf(T, i), 'mono');
  fact(W.parentId, parent >= 0 ? spanIdOf(T, parent) + ' · ' + (S(T.name[parent]) || W.noName) : '', 'mono');
  fact(W.kind, data.kinds[T.kind[i]]);
  fact(W.duration, S(T.durationText[i]));
  fact(W.startOffset, '+' + (T.startUs[i] / 1000).toFixed(3) + ' ms');
  fact(W.selfTime, S(T.selfText[i]));
  fact(W.criticalTime, S(T.criticalText[i]));
  var status = T.status[i];
  if (status) fact(W.statusCode, S(status[0]) + (S(status[1]) ? ': ' + S(status[1]) : ''), 'pre');
  fact(W.scope, S(T.scope[i]));
  var exceptions = T.exceptions[i];
  if (exceptions) {
    add(panel, el('h4', null, W.exceptions));
    exceptions.forEach(function (x) {
      var box = add(panel, el('div', 'exception'));
      var head = add(box, el('div', 'exception-head'));
      add(head, el('span', 'exception-type', S(x[0])));
      if (S(x[1])) add(head, el('span', 'exception-message', ': ' + S(x[1])));
      if (S(x[2])) add(box, el('pre', 'stack', S(x[2])));
    });
  }
  var perf = T.perf[i];
  if (perf) {
    add(panel, el('h4', null, W.performance));
    perf.forEach(function (text) { add(panel, el('p', 'perf', S(text))); });
  }
  var attributes = T.attributes[i];
  renderAttributes(panel, W.attributes, attributes === 0 ? [] : attributes);
  if (T.resource[i] >= 0) renderAttributes(panel, W.resource, T.resources[T.resource[i]]);
  var events = T.events[i];
  if (events) {
    add(panel, el('h4', null, W.events));
    events.forEach(function (ev) {
      var box = add(panel, el('div', 'event'));
      add(box, el('span', 'dim mono', S(ev[0]) + ' '));
      add(box, el('span', 'event-name', S(ev[1])));
      renderAttributes(box, '', ev[2]);
    });
  }
  var links = T.links[i];
  if (links) {
    add(panel, el('h4', null, W.links));
    links.forEach(function (link) {
      var box = add(panel, el('div', 'link'));
      add(box, traceLink(link[0], link[1], link[0] + ' / ' + link[1]));
      renderAttributes(box, '', link[2]);
    });
  }
}
`;
