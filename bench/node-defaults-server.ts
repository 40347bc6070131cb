/**
 * The comparison for bench/overload.ts: the same app on @hono/node-server with Node's defaults
 * (how `sir serve` ran before runtime/server/), on 127.0.0.1.
 *
 *   node --import tsx bench/node-defaults-server.ts INDEX_DIR PORT
 */
import { serve } from '@hono/node-server';
import { createApp, openLiveIndex } from '../runtime/app/index.js';

const [dir, port] = process.argv.slice(2);
const live = openLiveIndex(dir!);
await live.get();
const app = createApp({ index: live });
serve({ fetch: app.fetch, port: Number(port), hostname: '127.0.0.1' }, (info) =>
  console.log(`listening on 127.0.0.1:${info.port}`),
);
