/**
 * Load-to-first-query in a fresh process: `node --import tsx bench/first-query.ts DIR "query"`.
 * Prints JSON: `totalMs` from process start (performance.timeOrigin) to the first result,
 * `openQueryMs` from just before loading the engine module to the first result (module import,
 * WebAssembly compile, index read and checks, one query), `startMs`, the time until this script
 * began (node + tsx startup), and `bytesRead`, the bytes of the index file read by the open and
 * the query. With `--noop` it only reports `startMs`.
 */
const startMs = performance.now();
const [dir, query] = process.argv.slice(2);
if (dir === '--noop') {
  console.log(JSON.stringify({ startMs }));
} else {
  const t0 = performance.now();
  const { SearchIndex } = await import('../runtime/engine/index.js');
  const tImported = performance.now();
  const index = SearchIndex.open(dir!);
  const tOpened = performance.now();
  const r = index.search(query ?? '', { size: 10, count: false, plain: true });
  const first = r.hits.length ? index.externalId(r.hits[0]!.doc) : null;
  const end = performance.now();
  console.log(
    JSON.stringify({
      startMs,
      importMs: tImported - t0,
      openMs: tOpened - tImported,
      queryMs: end - tOpened,
      openQueryMs: end - t0,
      totalMs: end,
      bytesRead: index.bytesRead,
      first,
    }),
  );
}
