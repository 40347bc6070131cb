/** The jobs view's stylesheet (a file, so the page's CSP needs no inline style). */
export const JOBS_VIEW_CSS = `body { font: 15px/1.5 system-ui, sans-serif; max-width: 72rem; margin: 1.5rem auto; padding: 0 1rem; color: #1a1a1a; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
fieldset { border: 1px solid #d1d5db; border-radius: 6px; margin: 0 0 1rem; padding: .75rem 1rem; }
label { display: block; margin: .35rem 0; }
label > span { display: inline-block; min-width: 9rem; color: #374151; }
input[type=text], input[type=number], select { font: inherit; padding: .2rem .4rem; min-width: 22rem; }
input[type=number] { min-width: 6rem; }
textarea { font: 13px/1.4 ui-monospace, monospace; width: 100%; min-height: 6rem; }
button { font: inherit; padding: .3rem .9rem; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #e5e7eb; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button:focus-visible { outline: 3px solid #1d4ed8; }
th[aria-sort=ascending] button::after { content: ' ▲'; }
th[aria-sort=descending] button::after { content: ' ▼'; }
tr.baseline td { background: #f3f4f6; }
.up { color: #15803d; } .down { color: #b91c1c; }
.error { color: #b91c1c; }
.muted { color: #4b5563; font-size: .9rem; }
progress { width: 20rem; }
.figures img { display: block; max-width: 100%; margin: .75rem 0; border: 1px solid #e5e7eb; }
#jobs td button { all: unset; cursor: pointer; color: #1d4ed8; text-decoration: underline; }
`;
