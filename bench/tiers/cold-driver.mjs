// One cold start of the BUILT search Lambda bundle, as Lambda runs it: a fresh `node` process
// imports dist/lambda/search/index.mjs (environment as the stack sets it, from the parent) and
// calls its handler with an API Gateway v2 GET /search event. Prints JSON: `firstAnswerMs` from
// process start (performance.timeOrigin) to the first answer, `status`, and the top hit. Plain
// .mjs, so no TypeScript loader is timed.
const [bundle, query] = process.argv.slice(2);
const { handler } = await import(bundle);
const event = {
  version: '2.0',
  routeKey: '$default',
  rawPath: '/search',
  rawQueryString: `q=${encodeURIComponent(query)}&size=10`,
  headers: { host: 'bench.execute-api.us-east-1.amazonaws.com', 'x-forwarded-proto': 'https' },
  queryStringParameters: { q: query, size: '10' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'bench',
    domainName: 'bench.execute-api.us-east-1.amazonaws.com',
    http: {
      method: 'GET',
      path: '/search',
      protocol: 'HTTP/1.1',
      sourceIp: '127.0.0.1',
      userAgent: 'bench',
    },
    requestId: 'bench',
    routeKey: '$default',
    stage: '$default',
    time: '02/Dec/2026:00:00:00 +0000',
    timeEpoch: 0,
  },
  isBase64Encoded: false,
};
// The app logs each request on stdout; keep stdout for the result line.
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = () => true;
const r = await handler(event, {});
const firstAnswerMs = performance.now();
const body = JSON.parse(r.body);
write(
  `${JSON.stringify({ firstAnswerMs, status: r.statusCode, top: body.hits?.[0]?.id ?? null })}\n`,
);
