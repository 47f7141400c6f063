/**
 * The page's styles, inline and allowed by their hash (render-html.ts): system fonts only, nothing
 * loaded. `.c0`…`.c11` is the services' palette (trace-data.ts's PALETTE_SIZE), chosen to stay
 * apart from the red of a failure.
 */
export const PAGE_STYLES = `
:root { color-scheme: light; --fg: #1f2328; --dim: #656d76; --line: #d8dee4; --bg: #fff; --sel: #dbeafe;
  --match: #fef3c7; --error: #c62828; --warning: #9a6700; --ok: #1a7f37; --label: 46%; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
#app { padding: 12px 16px 24px; }
h1 { font-size: 18px; margin: 2px 0 6px; }
h2 { font-size: 15px; margin: 18px 0 6px; }
h3 { font-size: 13px; margin: 12px 0 4px; }
h4 { font-size: 12px; margin: 12px 0 4px; color: var(--dim); text-transform: uppercase; letter-spacing: .04em; }
a { color: #0969da; }
.mono, pre, .trace-head .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.dim { color: var(--dim); }
.summary { font-size: 14px; margin: 4px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.note { color: var(--warning); margin: 4px 0; }
table { border-collapse: collapse; margin: 4px 0 8px; }
th, td { text-align: left; vertical-align: top; padding: 3px 8px; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
table.doc, table.checks { width: 100%; }
th { font-weight: 600; color: var(--dim); }
tr.failed.error td.status { color: var(--error); font-weight: 600; }
tr.failed.warning td.status { color: var(--warning); font-weight: 600; }
tr.passed td.status { color: var(--ok); }
pre.details, pre.stack { margin: 4px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 4px 0 8px; }
dl.facts dt { color: var(--dim); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
dd.pre { white-space: pre-wrap; }
.trace-list { padding-left: 18px; }
.trace-list li.fail > a { color: var(--error); }
.waterfall { border: 1px solid var(--line); border-radius: 6px; margin-top: 10px; outline: none; }
.waterfall:focus-visible { box-shadow: 0 0 0 2px #0969da55; }
.trace-head { padding: 8px 10px; border-bottom: 1px solid var(--line); }
.verdict { margin-top: 4px; font-weight: 600; overflow-wrap: anywhere; }
.verdict.ok { color: var(--ok); }
.verdict.fail { color: var(--error); }
.legend { margin-top: 6px; display: flex; flex-wrap: wrap; gap: 4px 12px; }
.chip { white-space: nowrap; }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 5px; vertical-align: baseline; }
.tools { display: flex; align-items: center; flex-wrap: wrap; gap: 8px; padding: 6px 10px; border-bottom: 1px solid var(--line); }
.tools input.search { width: 320px; max-width: 100%; padding: 3px 6px; font: inherit; }
.tools button { font: inherit; padding: 2px 8px; }
.help { margin-left: auto; font-size: 12px; }
.axis { display: flex; height: 20px; border-bottom: 1px solid var(--line); font-size: 11px; color: var(--dim);
  position: sticky; top: 0; z-index: 1; background: var(--bg); }
.axis .lbl { padding: 2px 8px; }
.axis .bars { position: relative; }
.tick { position: absolute; top: 2px; transform: translateX(-50%); white-space: nowrap; }
.tick:first-child { transform: none; }
.tick:last-child { transform: translateX(-100%); }
.wf-main { display: flex; height: 72vh; min-height: 320px; }
.wf-scroll { flex: 1; overflow: auto; position: relative; }
.wf-canvas { position: relative; min-width: 100%; }
.row { position: absolute; left: 0; right: 0; height: 22px; display: flex; cursor: pointer; border-bottom: 1px solid #f0f2f4; }
.row:hover { background: #f6f8fa; }
.row.match { background: var(--match); }
.row.sel { background: var(--sel); }
.lbl { width: var(--label); flex: none; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; padding-right: 8px; line-height: 21px; border-right: 1px solid var(--line); }
.bars { flex: 1; position: relative; }
.tog { display: inline-block; width: 14px; color: var(--dim); }
.deep { font-size: 11px; color: var(--dim); margin-right: 4px; }
.name { font-weight: 600; }
.row.failed .name { color: var(--error); }
.svc { color: var(--dim); }
.mark { margin-left: 6px; }
.mark.error { color: var(--error); font-weight: 600; }
.mark.warning { color: var(--warning); }
.mark.dim { color: var(--dim); }
.bar { position: absolute; top: 5px; height: 11px; min-width: 2px; border-radius: 2px; opacity: .85; }
.bar.bad { outline: 2px solid var(--error); outline-offset: -1px; }
.crit { position: absolute; top: 15px; height: 3px; min-width: 1px; background: #1f2328; }
.dur { position: absolute; top: 2px; padding: 0 4px; font-size: 11px; color: var(--dim); white-space: nowrap; line-height: 18px; }
.dur.critical { color: #6f42c1; font-weight: 600; }
.dur.inside { color: #fff; text-shadow: 0 0 2px #000; }
table.checks th, table.checks td:nth-child(-n+2) { white-space: nowrap; }
.details { width: 42%; flex: none; overflow: auto; border-left: 1px solid var(--line); padding: 8px 12px; background: #fbfcfd; }
.details-head { display: flex; align-items: flex-start; gap: 8px; }
.details-head h3 { flex: 1; margin: 0; overflow-wrap: anywhere; }
.details .marks .mark:first-child { margin-left: 0; }
table.attrs { width: 100%; font-size: 12px; }
table.attrs th { width: 35%; font-weight: normal; }
.exception { border-left: 3px solid var(--error); padding: 2px 8px; margin: 6px 0; }
.exception-type { font-weight: 600; color: var(--error); }
.event, .link { margin: 6px 0; }
.event-name { font-weight: 600; }
.c0 { background: #4e79a7; } .c1 { background: #f28e2b; } .c2 { background: #59a14f; } .c3 { background: #b07aa1; }
.c4 { background: #76b7b2; } .c5 { background: #edc948; } .c6 { background: #9c755f; } .c7 { background: #bab0ac; }
.c8 { background: #1f77b4; } .c9 { background: #17becf; } .c10 { background: #8c6d31; } .c11 { background: #637939; }
`;
