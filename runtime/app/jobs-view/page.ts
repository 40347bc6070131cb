/**
 * `GET /jobs-view`: the page's jobs view — submit an evaluation from a form (or open a job the CLI
 * submitted), watch its progress, and read the result as a sortable table and plots. The plots are
 * SVG images the app draws (`GET /jobs/{id}/figures/{name}`), the script and stylesheet are files
 * of the app: the Content-Security-Policy allows only 'self'.
 */
import { DEFAULT_RANKER } from '../../engine/index.js';

export const JOBS_VIEW_PATH = '/jobs-view';

/** The jobs view's policy: 'self' only, no inline script or style. */
export const JOBS_VIEW_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const EXAMPLE_RUNS = JSON.stringify(
  [
    { ranker: 'bm25', grid: { k1: [0.6, 0.9, 1.2, 1.5], b: [0.3, 0.4, 0.6, 0.75] } },
    { ranker: 'dirichlet', grid: { mu: [500, 1000, 2000] } },
  ],
  null,
  1,
);

export function jobsViewPage(assetVersion: string, measures: readonly string[]): string {
  const checks = measures
    .map(
      (m) =>
        `<label class="inline"><input type="checkbox" name="metric" value="${m}" checked> ${m}</label>`,
    )
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>serverless-ir jobs</title>
<link rel="stylesheet" href="${JOBS_VIEW_PATH}/style.css?v=${assetVersion}">
</head>
<body>
<header><h1>Evaluation jobs</h1><p class="muted"><a href="/">Search</a> · <a href="/docs">API documentation</a></p></header>
<main>
  <section aria-labelledby="submit-h">
    <h2 id="submit-h">Submit an evaluation</h2>
    <form id="submit">
      <fieldset><legend>Collection</legend>
      <label><span>Index</span><input id="index" type="text" required value="live" aria-describedby="index-help"></label>
      <p id="index-help" class="muted">live, a version id, or a built index URL (s3://… or file:///…)</p>
      <label><span>Queries</span><input id="queries" type="text" required placeholder="file:///data/scifact/queries.jsonl"></label>
      <label><span>Qrels</span><input id="qrels" type="text" required placeholder="file:///data/scifact/qrels/test.tsv"></label>
      </fieldset>
      <fieldset><legend>Runs and baseline</legend>
      <label for="runs">Runs (JSON: a ranker and a parameter grid each)</label>
      <textarea id="runs" required spellcheck="false">${EXAMPLE_RUNS}</textarea>
      <label><span>Baseline ranker</span><input id="baseline-ranker" type="text" value="${DEFAULT_RANKER}"></label>
      <label><span>Baseline parameters</span><input id="baseline-params" type="text" value="{}" aria-describedby="bp-help"></label>
      <p id="bp-help" class="muted">JSON, e.g. {"k1": 0.9, "b": 0.4}; a parameter left out takes its default</p>
      </fieldset>
      <fieldset><legend>Measures</legend>
      ${checks}
      <label><span>Depth k</span><input id="k" type="number" min="1" value="1000"></label>
      </fieldset>
      <fieldset><legend>Tuning without peeking</legend>
      <label><span>Method</span><select id="tune-method">
        <option value="none">none</option>
        <option value="set">a separate tuning set</option>
        <option value="folds">k-fold cross-validation</option>
      </select></label>
      <label><span>Tuning measure</span><select id="tune-metric">${measures.map((m) => `<option>${m}</option>`).join('')}</select></label>
      <label><span>Tuning queries</span><input id="tune-queries" type="text" placeholder="file:///data/scifact/queries.jsonl"></label>
      <label><span>Tuning qrels</span><input id="tune-qrels" type="text" placeholder="file:///data/scifact/qrels/train.tsv"></label>
      <label><span>Folds</span><input id="folds" type="number" min="2" value="5"></label>
      </fieldset>
      <button type="submit">Submit</button>
      <p id="submit-status" role="status" aria-live="polite"></p>
    </form>
  </section>
  <section aria-labelledby="jobs-h">
    <h2 id="jobs-h">Recent jobs</h2>
    <button id="refresh" type="button">Refresh</button>
    <table id="jobs"><thead><tr><th>job</th><th>kind</th><th>status</th><th>tasks</th><th>submitted</th></tr></thead><tbody></tbody></table>
  </section>
  <section id="job" aria-labelledby="job-h" hidden>
    <h2 id="job-h">Job</h2>
    <p id="job-status" role="status" aria-live="polite"></p>
    <progress id="job-progress" max="1" value="0" aria-label="tasks done"></progress>
    <p id="job-error" class="error"></p>
    <div id="result" hidden>
      <p id="result-summary"></p>
      <table id="table" aria-describedby="table-help"><thead></thead><tbody></tbody></table>
      <p id="table-help" class="muted">Click a column to sort. p-values against the baseline, raw and (Holm–Bonferroni-corrected); ▲/▼: corrected randomisation test p &lt; 0.05.</p>
      <div id="tuning"></div>
      <h2>Plots</h2>
      <label><span>Measure</span><select id="figure-metric"></select></label>
      <label><span>Per-query difference of</span><select id="difference-of"></select></label>
      <div class="figures" id="figures"></div>
      <p id="files" class="muted"></p>
    </div>
  </section>
</main>
<script src="${JOBS_VIEW_PATH}/app.js?v=${assetVersion}"></script>
</body>
</html>
`;
}
