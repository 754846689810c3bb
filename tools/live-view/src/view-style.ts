/**
 * The stylesheet of the live view and the run report: one column on a phone, cards that wrap,
 * tables that scroll inside their box (never the page), charts with a fixed height in CSS pixels
 * (so their 13 px text stays 13 px at any width).
 */
export const VIEW_STYLE = `
*, *::before, *::after { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1320px; color: #1f2328; padding: 1rem; line-height: 1.45; overflow-wrap: anywhere; }
h1 { font-size: 1.45rem; margin: .2rem 0; } h2 { font-size: 1.15rem; margin: 1.8rem 0 .4rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
.muted { color: #57606a; } .ok { color: #1a7f37; } .warn { color: #9a6700; } .bad { color: #cf222e; }
.status { font-size: .9rem; margin: .3rem 0 1rem; }
.callout { border-left: 4px solid #0072B2; background: #f6f8fa; padding: .6rem .9rem; margin: .8rem 0; }
.callout.warn { border-color: #E69F00; } .callout.bad { border-color: #D55E00; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 150px), 1fr)); gap: .6rem; margin: .8rem 0; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: .5rem .7rem; min-width: 0; }
.card .value { font-size: 1.3rem; font-weight: 600; font-variant-numeric: tabular-nums; } .card .label { color: #57606a; font-size: .85rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 480px), 1fr)); gap: .8rem 1.2rem; }
.grid > p, .grid > .table-wrap { grid-column: 1 / -1; margin: 0; }
.chart { position: relative; height: 280px; min-width: 0; } .chart-short { height: 200px; }
.table-wrap { overflow-x: auto; max-width: 100%; min-width: 0; }
table { border-collapse: collapse; margin: .4rem 0; font-size: .92rem; width: 100%; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #eaeef2; text-align: left; vertical-align: top; overflow-wrap: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
#dead-letter-reasons td:last-child { font-family: ui-monospace, monospace; font-size: .82rem; word-break: break-all; min-width: 16rem; }
#dead-letter-reasons td:nth-child(4) { min-width: 12rem; }
@media (max-width: 600px) {
  /* A phone: each table row becomes a block of "label: value" lines, so nothing scrolls sideways. */
  table.stack thead { display: none; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: 100%; }
  table.stack tr { border-bottom: 1px solid #d0d7de; padding: .3rem 0; }
  table.stack td { border: 0; padding: .1rem 0; text-align: left; white-space: normal; min-width: 0; }
  table.stack td.num { text-align: left; }
  table.stack td[data-label]:not([data-label=""])::before { content: attr(data-label) ": "; color: #57606a; }
  #dead-letter-reasons td:last-child, #dead-letter-reasons td:nth-child(4) { min-width: 0; }
  .chart { height: 240px; }
}
pre { background: #f6f8fa; padding: .8rem; white-space: pre-wrap; word-break: break-all; font-size: .82rem; border-radius: 6px; }
code { font-size: .9em; }
`;
