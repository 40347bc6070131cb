/**
 * autocannon in a process of its own, so that a benchmark's own timings are not delayed by the
 * load generator sharing their event loop. Prints autocannon's result as one JSON line.
 *
 *   node --import tsx bench/load-client.ts URL CONNECTIONS DURATION_SECONDS
 */
import autocannon from 'autocannon';
import { DEMO_SEARCH_PATHS } from './demo-server.js';

const [url, connections, duration] = process.argv.slice(2);
const result = await autocannon({
  url: url!,
  connections: Number(connections),
  duration: Number(duration),
  requests: DEMO_SEARCH_PATHS.map((path) => ({ method: 'GET', path })),
});
console.log(JSON.stringify(result));
