/**
 * The jobs view's script (served as a file: the CSP allows no inline script). Plain DOM, no
 * framework; every value from the API goes in as text (`textContent`), never as HTML.
 */
export const JOBS_VIEW_JS = `(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
  const fixed = (x) => (typeof x === 'number' ? x.toFixed(4) : '');
  const pv = (x) => (x === null || x === undefined ? '–' : x < 0.001 ? '<0.001' : x.toFixed(3));
  let polling = null;
  let current = null;
  let sort = { key: null, dir: 1 };

  async function api(path, init) {
    const res = await fetch(path, { ...init, headers: { accept: 'application/json', ...(init && init.body ? { 'content-type': 'application/json' } : {}) } });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.detail || body.title || res.statusText);
    return body;
  }

  function request() {
    const req = { kind: 'evaluate', index: $('index').value.trim(), queries: $('queries').value.trim(), qrels: $('qrels').value.trim() };
    try { req.runs = JSON.parse($('runs').value); } catch (e) { throw new Error('runs: not JSON (' + e.message + ')'); }
    let params;
    try { params = JSON.parse($('baseline-params').value || '{}'); } catch (e) { throw new Error('baseline parameters: not JSON (' + e.message + ')'); }
    req.baseline = { ranker: $('baseline-ranker').value.trim(), params };
    req.metrics = [...document.querySelectorAll('input[name=metric]:checked')].map((c) => c.value);
    req.k = Number($('k').value);
    const method = $('tune-method').value;
    if (method === 'set') req.tune = { metric: $('tune-metric').value, queries: $('tune-queries').value.trim(), qrels: $('tune-qrels').value.trim() };
    if (method === 'folds') req.tune = { metric: $('tune-metric').value, folds: Number($('folds').value) };
    return req;
  }

  $('submit').addEventListener('submit', async (e) => {
    e.preventDefault();
    const status = $('submit-status');
    status.className = '';
    status.textContent = 'Submitting…';
    try {
      const req = JSON.stringify(request());
      let r, body;
      // A 503 with Retry-After (an efs stack resolving "live", a busy server): the same request
      // is the same job, so it is submitted again after the time named, a few times.
      for (let attempt = 0; ; attempt++) {
        r = await fetch('/jobs', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: req });
        body = await r.json().catch(() => ({}));
        const retryAfter = r.headers.get('retry-after');
        const wait = retryAfter === null ? NaN : Number(retryAfter);
        if (r.status !== 503 || !(wait >= 0) || attempt >= 10) break;
        status.textContent = 'Waiting: ' + (body.detail || r.statusText) + '. Submitting again in ' + Math.min(wait, 10) + ' s…';
        await new Promise((done) => setTimeout(done, Math.min(wait, 10) * 1000));
      }
      if (!r.ok) throw new Error(body.detail || r.statusText);
      status.textContent = (r.status === 202 ? 'Submitted job ' : 'Already submitted: job ') + body.id;
      location.hash = 'job=' + body.id;
      listJobs();
    } catch (err) {
      status.className = 'error';
      status.textContent = 'Error: ' + err.message;
    }
  });

  async function listJobs() {
    const tbody = $('jobs').tBodies[0];
    try {
      const { jobs } = await api('/jobs?limit=20');
      tbody.replaceChildren();
      for (const j of jobs) {
        const tr = el('tr');
        const open = el('button', j.id);
        open.type = 'button';
        open.addEventListener('click', () => { location.hash = 'job=' + j.id; });
        const td = el('td'); td.append(open);
        tr.append(td, el('td', j.kind), el('td', j.status), el('td', j.tasks.done + '/' + j.tasks.total), el('td', j.submittedAt));
        tbody.append(tr);
      }
      if (jobs.length === 0) { const tr = el('tr'); const td = el('td', 'No jobs yet.'); td.colSpan = 5; tr.append(td); tbody.append(tr); }
    } catch (err) {
      tbody.replaceChildren();
      const tr = el('tr'); const td = el('td', 'Error: ' + err.message, 'error'); td.colSpan = 5; tr.append(td); tbody.append(tr);
    }
  }
  $('refresh').addEventListener('click', listJobs);

  async function openJob(id) {
    clearTimeout(polling);
    current = id;
    $('job').hidden = false;
    $('result').hidden = true;
    $('job-h').textContent = 'Job ' + id;
    $('job-error').textContent = '';
    try {
      const job = await api('/jobs/' + encodeURIComponent(id));
      if (current !== id) return;
      const t = job.tasks;
      $('job-progress').max = Math.max(1, t.total);
      $('job-progress').value = t.done;
      $('job-status').textContent = job.kind + ' · ' + job.status + ' · ' + t.done + '/' + t.total + ' tasks done' + (t.reused ? ' (' + t.reused + ' reused)' : '') + (t.failed ? ', ' + t.failed + ' failed' : '') + ' · ' + job.seconds.toFixed(1) + ' s';
      if (job.error) $('job-error').textContent = job.error.message;
      if (job.status === 'succeeded' && job.result && job.result.kind === 'evaluate') await showResult(id, job.result);
      if (job.status === 'queued' || job.status === 'running') polling = setTimeout(() => openJob(id), 1000);
      else listJobs();
    } catch (err) {
      $('job-error').textContent = 'Error: ' + err.message;
    }
  }

  function columns(result) {
    const [first, ...others] = result.metrics;
    const vs = (row, m) => (row.vsBaseline ? row.vsBaseline[m] : undefined);
    return [
      { label: 'configuration', get: (r) => r.configuration, text: (r) => r.configuration + (r.baseline ? ' (baseline)' : '') },
      { label: first, get: (r) => r.mean[first], text: (r) => fixed(r.mean[first]), mark: first },
      { label: 'Δ ' + first, get: (r) => (vs(r, first) ? vs(r, first).delta : 0), text: (r) => (vs(r, first) ? (vs(r, first).delta >= 0 ? '+' : '') + fixed(vs(r, first).delta) : '') },
      { label: 'p t-test (Holm)', get: (r) => (vs(r, first) ? vs(r, first).tTestP : null), text: (r) => (vs(r, first) ? pv(vs(r, first).tTestP) + ' (' + pv(vs(r, first).tTestPHolm) + ')' : '') },
      { label: 'p rand. (Holm)', get: (r) => (vs(r, first) ? vs(r, first).randomisationP : null), text: (r) => (vs(r, first) ? pv(vs(r, first).randomisationP) + ' (' + pv(vs(r, first).randomisationPHolm) + ')' : '') },
      { label: 'wins/losses', get: (r) => (vs(r, first) ? vs(r, first).wins - vs(r, first).losses : 0), text: (r) => (vs(r, first) ? vs(r, first).wins + '/' + vs(r, first).losses : '') },
      ...others.map((m) => ({ label: m, get: (r) => r.mean[m], text: (r) => fixed(r.mean[m]), mark: m })),
    ];
  }

  function drawTable(result) {
    const cols = columns(result);
    const head = el('tr');
    cols.forEach((c, i) => {
      const th = el('th');
      th.scope = 'col';
      if (sort.key === i) th.setAttribute('aria-sort', sort.dir > 0 ? 'ascending' : 'descending');
      const b = el('button', c.label);
      b.type = 'button';
      b.addEventListener('click', () => { sort = { key: i, dir: sort.key === i ? -sort.dir : i === 0 ? 1 : -1 }; drawTable(result); });
      th.append(b);
      head.append(th);
    });
    $('table').tHead.replaceChildren(head);
    const rows = [...result.table];
    if (sort.key !== null) {
      const get = cols[sort.key].get;
      rows.sort((a, b) => {
        const x = get(a), y = get(b);
        if (x === y) return 0;
        if (x === null) return 1;
        if (y === null) return -1;
        return (x < y ? -1 : 1) * sort.dir;
      });
    }
    const tbody = $('table').tBodies[0];
    tbody.replaceChildren();
    for (const r of rows) {
      const tr = el('tr', undefined, r.baseline ? 'baseline' : '');
      cols.forEach((c, i) => {
        const cell = el(i === 0 ? 'th' : 'td', c.text(r));
        if (i === 0) cell.scope = 'row';
        const v = c.mark && r.vsBaseline ? r.vsBaseline[c.mark] : undefined;
        if (v && v.randomisationPHolm < 0.05 && v.delta !== 0) { cell.className = v.delta > 0 ? 'up' : 'down'; cell.textContent += v.delta > 0 ? ' ▲' : ' ▼'; }
        tr.append(cell);
      });
      tbody.append(tr);
    }
  }

  async function showResult(id, result) {
    $('result').hidden = false;
    $('result-summary').textContent = result.table.length + ' configurations on ' + result.queries + ' test queries; baseline ' + result.baseline + '; ' + result.cells.reused + ' of ' + result.cells.total + ' cells reused from earlier jobs.';
    drawTable(result);
    const tuning = $('tuning');
    tuning.replaceChildren();
    tuning.append(el('h2', 'Best per ranker'));
    const best = el('ul');
    for (const b of result.bestOnTest) best.append(el('li', b.ranker + ': ' + b.configuration + ' — ' + b.metric + ' ' + fixed(b.value) + ' (chosen on the test set itself: optimistic)'));
    tuning.append(best);
    const t = result.tuning;
    if (t) {
      const ul = el('ul');
      if (t.method === 'tuning-set') {
        tuning.append(el('p', 'Tuned without peeking: chosen by ' + t.metric + ' on the tuning set (' + t.queries + ' queries), reported on the test set:'));
        for (const c of t.chosen) ul.append(el('li', c.ranker + ': ' + c.configuration + ' — tuning ' + fixed(c.tuningValue) + '; test ' + result.metrics.map((m) => m + ' ' + fixed(c.test[m])).join(', ')));
      } else {
        tuning.append(el('p', 'Tuned without peeking: ' + t.folds + '-fold cross-validation by ' + t.metric + ' (each fold chosen on the other folds):'));
        for (const c of t.chosen) ul.append(el('li', c.ranker + ': ' + result.metrics.map((m) => m + ' ' + fixed(c.test[m])).join(', ') + ' — folds chose ' + c.folds.map((f) => f.configuration).join(' | ')));
      }
      tuning.append(ul);
    }
    const metric = $('figure-metric');
    if (metric.dataset.job !== id) {
      metric.replaceChildren(...result.metrics.map((m) => el('option', m)));
      metric.dataset.job = id;
      const diff = $('difference-of');
      diff.replaceChildren(...result.table.filter((r) => !r.baseline).map((r) => el('option', r.configuration)));
      const first = result.bestOnTest[0];
      if (first && first.configuration !== result.baseline) diff.value = first.configuration;
    }
    await drawFigures(id, result);
    const files = $('files');
    files.replaceChildren(document.createTextNode('Files: '));
    const link = (href, text) => { const a = el('a', text); a.href = href; return a; };
    files.append(link('/jobs/' + id + '/files/' + result.perQueryFile, result.perQueryFile));
    for (const r of result.table) files.append(document.createTextNode(' · '), link('/jobs/' + id + '/files/' + r.runFile, r.runFile));
  }

  async function drawFigures(id, result) {
    const { figures } = await api('/jobs/' + encodeURIComponent(id) + '/figures');
    const metric = $('figure-metric').value;
    const diff = $('difference-of').value;
    const box = $('figures');
    box.replaceChildren();
    for (const name of figures) {
      if (name.startsWith('difference-') && name !== 'difference-' + diff.replace(/ /g, '_') + '.svg') continue;
      const img = el('img');
      img.src = '/jobs/' + id + '/figures/' + encodeURIComponent(name) + '?metric=' + encodeURIComponent(metric);
      img.alt = name.replace(/\\.svg$/, '').replace(/-/g, ' ') + ' (' + metric + ')';
      box.append(img);
    }
  }
  for (const id of ['figure-metric', 'difference-of'])
    $(id).addEventListener('change', async () => { if (current) drawFigures(current, null); });

  function route() {
    const m = /^#job=([a-z0-9-]+)$/.exec(location.hash);
    if (m) openJob(m[1]);
  }
  window.addEventListener('hashchange', route);
  listJobs();
  route();
})();
`;
