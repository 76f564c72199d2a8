// The HTML plan's one stylesheet, inline (the page's Content-Security-Policy allows exactly this
// text, by its hash). System fonts only: the page loads nothing. Meaning never rests on colour
// alone: every coloured mark also carries a symbol or a word. A print stylesheet keeps figures and
// rows whole across pages.
export const HTML_STYLE = `
:root {
  color-scheme: light;
  --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --subtle: #f6f8fa;
  --add: #1a7f37; --update: #9a6700; --remove: #cf222e;
  --warn-bg: #fff8c5; --warn-border: #d4a72c; --error-bg: #ffebe9; --error-border: #cf222e;
  --accent: #0969da;
}
* { box-sizing: border-box; }
body {
  margin: 0 auto; max-width: 1120px; padding: 28px 32px 48px;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif;
  color: var(--fg); background: #fff;
}
code, .value { font: 0.88em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; overflow-wrap: break-word; }
h1 { font-size: 1.7em; margin: 0 0 10px; }
h2 { font-size: 1.25em; margin: 28px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--border); }
h3 { font-size: 1.08em; margin: 0 0 4px; display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: baseline; }
h4 { font-size: 0.95em; margin: 14px 0 6px; }
a { color: var(--accent); }
.muted, .facts, .frame-label, figcaption, footer { color: var(--muted); }
.sym { font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-weight: 700; }
header { padding-bottom: 14px; border-bottom: 2px solid var(--fg); }
.meta { display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 0 0 8px; font-size: 0.9em; }
.meta div { display: flex; gap: 6px; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; }
.legend { margin: 6px 0 0; font-size: 0.9em; color: var(--muted); }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 8px; margin: 0; }
.breakdown { margin: 10px 0 0; font-size: 0.9em; color: var(--muted); }
.stats div { border: 1px solid var(--border); border-radius: 8px; padding: 8px 12px; background: var(--subtle); }
.stats div.attention { border-color: var(--warn-border); background: var(--warn-bg); }
.stats dt { font-size: 0.82em; color: var(--muted); }
.stats dd { margin: 0; font-size: 1.45em; font-weight: 650; }
.callout { border: 1px solid var(--border); border-left-width: 6px; border-radius: 8px; padding: 4px 18px 8px; margin: 20px 0; }
.callout h2 { border: 0; margin: 10px 0 4px; }
.callout.warning { border-color: var(--warn-border); background: var(--warn-bg); }
.callout.error { border-color: var(--error-border); background: var(--error-bg); }
.note { border: 1px dashed var(--border); border-radius: 8px; padding: 4px 14px; margin: 16px 0; background: var(--subtle); }
.toc ul { columns: 2 320px; padding-left: 18px; margin: 0; }
.toc li { break-inside: avoid; margin: 2px 0; }
.user { border: 1px solid var(--border); border-radius: 10px; padding: 16px 18px; margin: 16px 0; }
.display-name { font-weight: 500; color: var(--muted); overflow-wrap: anywhere; }
.facts { margin: 0 0 12px; font-size: 0.9em; }
.table-wrap { overflow-x: auto; }
table.changes { border-collapse: collapse; width: 100%; font-size: 0.92em; }
.changes th, .changes td { text-align: left; vertical-align: top; padding: 6px 10px; border-top: 1px solid var(--border); }
.changes th { background: var(--subtle); font-weight: 600; border-top: 0; }
.changes tr.sensitive td { background: var(--warn-bg); }
.changes tr.sensitive td:first-child { box-shadow: inset 4px 0 0 var(--warn-border); }
.action { white-space: nowrap; }
.action.add .sym { color: var(--add); }
.action.update .sym { color: var(--update); }
.action.remove .sym { color: var(--remove); }
.tag { display: block; font-size: 0.85em; }
.source { font-size: 0.9em; }
figure { margin: 16px 0 4px; }
figcaption { font-size: 0.9em; margin-top: 6px; overflow-wrap: anywhere; }
.frames { display: flex; align-items: center; gap: 18px; flex-wrap: wrap; }
.frame-wrap { margin: 0; }
.frame {
  width: 242px; height: 242px; border: 1px solid var(--border); border-radius: 8px; overflow: hidden;
  background: #fff; display: flex; align-items: center; justify-content: center;
}
.frame img { display: block; width: 240px; height: 240px; object-fit: contain; background: #fff; }
.frame .empty {
  width: 240px; height: 240px; display: flex; align-items: center; justify-content: center; text-align: center;
  padding: 16px; color: var(--muted); font-size: 0.95em;
  background: repeating-linear-gradient(45deg, #fff 0 10px, var(--subtle) 10px 20px);
}
.frame-label { margin: 6px 0 0; font-size: 0.88em; max-width: 242px; overflow-wrap: anywhere; }
.arrow { font-size: 2em; color: var(--muted); }
.skipped { margin: 0; padding-left: 20px; font-size: 0.92em; }
figure.org { overflow-x: auto; }
.org-chart { max-width: 100%; height: auto; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
.org-chart .col-head { font-size: 13px; font-weight: 600; fill: var(--muted); }
.org-chart rect { fill: #fff; stroke: #8c959f; stroke-width: 1.2; }
.org-chart .name { font-size: 13px; font-weight: 600; fill: var(--fg); }
.org-chart .upn { font-size: 11px; fill: var(--muted); }
.org-chart .caption { font-size: 11px; font-style: italic; fill: var(--muted); }
.org-chart .person-before rect { stroke-dasharray: 5 4; fill: var(--subtle); }
.org-chart .person-before .name { fill: var(--muted); }
.org-chart .person-after rect { stroke: var(--fg); stroke-width: 2.4; }
.org-chart .old-manager rect { stroke-dasharray: 5 4; }
.org-chart .new-manager rect { stroke: var(--fg); stroke-width: 2; }
.org-chart .edge { fill: none; stroke: #8c959f; stroke-width: 1.5; }
.org-chart .edge.before { stroke-dasharray: 5 4; }
.org-chart .edge.after { stroke: var(--fg); stroke-width: 2; }
.org-chart .move { fill: none; stroke: var(--accent); stroke-width: 2; }
.org-chart .move-head { fill: var(--accent); }
.org-chart .more { font-size: 16px; fill: var(--muted); }
.org-chart .loop { font-size: 12px; font-weight: 600; fill: var(--fg); }
footer { margin-top: 32px; padding-top: 12px; border-top: 1px solid var(--border); font-size: 0.85em; }
@media print {
  @page { margin: 14mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  .toc { display: none; }
  a { color: inherit; text-decoration: none; }
  .user, figure, tr, .callout, .stats div { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .callout, .stats div, .changes tr.sensitive td, .frame .empty { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  .table-wrap, figure.org { overflow: visible; }
  /* Paper cannot scroll: the table takes the page's width and long values wrap anywhere. */
  table.changes { table-layout: fixed; }
  .changes th:nth-child(1) { width: 17%; }
  .changes th:nth-child(2) { width: 19%; }
  .changes th:nth-child(5) { width: 22%; }
  .changes td, .changes code { overflow-wrap: anywhere; }
  .action { white-space: normal; }
}
`;
