/**
 * `GET /`: a small, accessible search page — plain HTML and inline script, no build step. It calls
 * `GET /search` and renders the server's snippets, which are already HTML-escaped with only
 * `<mark>` added; titles and metadata are inserted as text, never as HTML.
 */
export function searchPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>serverless-ir search</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
  form { display: flex; gap: .5rem; }
  input[type=search] { flex: 1; font-size: 1.1rem; padding: .4rem .6rem; }
  button { font-size: 1rem; padding: .4rem .9rem; }
  :focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
  mark { background: #fde68a; color: inherit; }
  .hit { margin: 1.2rem 0; }
  .hit h2 { font-size: 1.05rem; margin: 0; }
  .meta { color: #4b5563; font-size: .85rem; }
  nav { display: flex; gap: 1rem; align-items: center; margin: 1.5rem 0; }
  .error { color: #b91c1c; }
</style>
</head>
<body>
<header><h1>Search</h1></header>
<main>
  <form id="f" role="search" aria-label="Search the collection">
    <label for="q" class="sr">Query</label>
    <input id="q" name="q" type="search" required maxlength="1024" autocomplete="off" placeholder="e.g. liberty union">
    <button type="submit">Search</button>
  </form>
  <p id="status" role="status" aria-live="polite"></p>
  <ol id="results" aria-label="Results"></ol>
  <nav aria-label="Pagination">
    <button id="prev" type="button" hidden>Previous page</button>
    <span id="pageinfo"></span>
    <button id="next" type="button" hidden>Next page</button>
  </nav>
  <p><a href="/docs">API documentation</a></p>
</main>
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  let next = null, prev = null;
  async function run(url) {
    $('status').textContent = 'Searching…';
    $('status').className = '';
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' } });
      const body = await res.json();
      if (!res.ok) throw new Error(body.detail || res.statusText);
      render(body);
      history.replaceState(null, '', '?' + new URL(url, location.href).searchParams);
    } catch (e) {
      $('status').textContent = 'Error: ' + e.message;
      $('status').className = 'error';
    }
  }
  function render(r) {
    const ol = $('results');
    ol.replaceChildren();
    const first = r.page ? (r.page - 1) * r.size + 1 : 1;
    ol.start = first;
    for (const h of r.hits) {
      const li = document.createElement('li');
      li.className = 'hit';
      const h2 = document.createElement('h2');
      const a = document.createElement('a');
      a.href = '/documents/' + encodeURIComponent(h.id);
      a.textContent = h.title || h.id;
      h2.append(a);
      const p = document.createElement('p');
      p.innerHTML = h.snippet; // server-escaped; only <mark> added
      const meta = document.createElement('div');
      meta.className = 'meta';
      meta.textContent = Object.entries(h.metadata).map(([k, v]) => k + ': ' + v).join(' · ') + ' · score ' + h.score.toFixed(3);
      li.append(h2, p, meta);
      ol.append(li);
    }
    const total = (r.total_relation === 'gte' ? 'more than ' : '') + r.total.toLocaleString('en-US');
    $('status').textContent = r.total === 0 ? 'No results.' : total + ' results (' + r.took_ms + ' ms)';
    next = r.next; prev = r.prev;
    $('next').hidden = !next; $('prev').hidden = !prev;
    $('pageinfo').textContent = r.page ? 'Page ' + r.page : '';
  }
  $('f').addEventListener('submit', (e) => {
    e.preventDefault();
    const q = $('q').value.trim();
    if (q) run('/search?' + new URLSearchParams({ q, size: '10' }));
  });
  $('next').addEventListener('click', () => next && run(next));
  $('prev').addEventListener('click', () => prev && run(prev));
  // An empty parameter is a 400 for the API (it is not a default): a hand-edited address drops them.
  const initial = new URLSearchParams([...new URLSearchParams(location.search)].filter(([, v]) => v !== ''));
  if (initial.get('q')) { $('q').value = initial.get('q'); run('/search?' + initial); }
})();
</script>
<style>.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }</style>
</body>
</html>`;
}
