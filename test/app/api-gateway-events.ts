/** Real-shaped API Gateway events: HTTP API (payload 2.0) and REST API (1.0), as Lambda receives them. */
const HOST = 'abc123.execute-api.eu-west-1.amazonaws.com';

export function v2(method: string, path: string, query = '', body?: string): unknown {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: query,
    headers: {
      host: HOST,
      'user-agent': 'test',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    queryStringParameters: query ? Object.fromEntries(new URLSearchParams(query)) : undefined,
    requestContext: {
      accountId: '123',
      apiId: 'abc123',
      domainName: HOST,
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.1', userAgent: 'test' },
      requestId: 'req-v2',
      routeKey: '$default',
      stage: '$default',
      time: '23/Nov/2026:04:00:00 +0000',
      timeEpoch: Date.now(),
    },
    ...(body !== undefined
      ? { body: Buffer.from(body).toString('base64'), isBase64Encoded: true }
      : { isBase64Encoded: false }),
  };
}

export function v1(method: string, path: string, query: Record<string, string> = {}): unknown {
  return {
    version: '1.0',
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers: { Host: HOST, 'User-Agent': 'test' },
    multiValueHeaders: { Host: [HOST], 'User-Agent': ['test'] },
    queryStringParameters: Object.keys(query).length ? query : null,
    multiValueQueryStringParameters: Object.keys(query).length
      ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]]))
      : null,
    pathParameters: { proxy: path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123',
      apiId: 'abc123',
      httpMethod: method,
      path: `/prod${path}`,
      protocol: 'HTTP/1.1',
      requestId: 'req-v1',
      resourcePath: '/{proxy+}',
      stage: 'prod',
      identity: { sourceIp: '198.51.100.1' },
      requestTimeEpoch: Date.now(),
    },
    body: null,
    isBase64Encoded: false,
  };
}
