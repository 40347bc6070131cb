/**
 * Process start to first answer through the built search Lambda (`npm run build`), as a cold
 * Lambda runs it: `node first-query.mjs dist/lambda/search/index.mjs "query"` with `INDEX_DIR` an
 * index store holding the live version. The bench bundles this file with esbuild and runs it under
 * plain node. It imports the bundle (module init: the live index over the store, the engine, the
 * direct `GET /search` path; the app only on a request that path leaves to it), hands the handler
 * an API Gateway v2 `GET /search` event with a Lambda context, and prints JSON: `totalMs` from
 * process start (performance.timeOrigin) to the answer, `startMs` until this script began,
 * `importMs` (the bundle's module init), `answerMs` (open on first use, search and the hit page),
 * and the first hit's id. A response other than 200 with hits fails the run.
 */
import { pathToFileURL } from 'node:url';
import { apiGatewayV2, lambdaContext } from '../test/fixtures/lambda-events.js';

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;

const startMs = performance.now();
const [bundle, query] = process.argv.slice(2);
if (!bundle || !query || !process.env.INDEX_DIR) {
  console.error('usage: INDEX_DIR=STORE node first-query.mjs LAMBDA_BUNDLE.mjs "query"');
  process.exit(2);
}
const t0 = performance.now();
const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: Handler };
const tImported = performance.now();
const r = await handler(
  apiGatewayV2('GET', '/search', new URLSearchParams({ q: query, size: '10' }).toString()),
  lambdaContext(),
);
const end = performance.now();
const body = JSON.parse(r.body) as { hits?: { id: string }[] };
if (r.statusCode !== 200 || !body.hits?.length) {
  console.error(`first-query: ${r.statusCode} ${r.body.slice(0, 300)}`);
  process.exit(1);
}
console.log(
  JSON.stringify({
    startMs,
    importMs: tImported - t0,
    answerMs: end - tImported,
    totalMs: end,
    first: body.hits[0]!.id,
  }),
);
