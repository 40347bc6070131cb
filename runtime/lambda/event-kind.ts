/**
 * What a Lambda event is, decided before anything translates it: an API Gateway request the app
 * can answer (HTTP API payload 2.0, or REST API payload 1.0), an API Gateway request that is
 * malformed (a field missing or of the wrong type, a body that is not the base64 it claims to be,
 * a header, cookie, host or body that no HTTP request could carry), or something else entirely —
 * a queue, bucket or schedule wired to the search function by mistake.
 * A pure function over the event's shape, tested with the event shapes AWS documents.
 *
 * Application Load Balancer and VPC Lattice requests are HTTP too, but this stack never wires
 * them; they are refused like any other trigger rather than half-supported.
 */

export type PayloadFormat = '2.0' | '1.0';

export type EventKind =
  /** An API Gateway request: hand it to the app. */
  | { kind: 'api-gateway'; format: PayloadFormat }
  /** Looks like an API Gateway request but cannot be one: answer 400, naming the field. */
  | { kind: 'malformed'; format: PayloadFormat; field: string; message: string }
  /** Not an API Gateway request at all: `got` says what it is, for the error the handler throws. */
  | { kind: 'unsupported'; got: string };

type Fields = Record<string, unknown>;

const isObject = (v: unknown): v is Fields =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Fields, key: string) => Object.hasOwn(o, key);
/** RFC 9110 token: what an HTTP method, or a header's name, may be. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What a header value (or a cookie) may not hold: NUL, CR, LF. */
const FIELD_VALUE_REFUSED = /[\0\r\n]/;
/** A host name, or an address, and a port: what keeps `https://HOST/path` a URL with that path. */
const HOST = /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/;

/** Event sources that deliver `Records`, by their `eventSource`/`EventSource` value. */
const RECORD_SOURCES: Record<string, string> = {
  'aws:sqs': 'an SQS event',
  'aws:s3': 'an S3 event',
  'aws:sns': 'an SNS event',
  'aws:dynamodb': 'a DynamoDB Streams event',
  'aws:kinesis': 'a Kinesis event',
  'aws:kafka': 'an Amazon MSK event',
  'aws:ses': 'an SES event',
};

export function classifyEvent(event: unknown): EventKind {
  if (!isObject(event)) return { kind: 'unsupported', got: describeValue(event) };
  const context = event['requestContext'];
  if (isObject(context) && has(context, 'elb'))
    return {
      kind: 'unsupported',
      got: 'an Application Load Balancer request (requestContext.elb)',
    };
  if (isObject(context) && has(context, 'serviceArn'))
    return { kind: 'unsupported', got: 'a VPC Lattice request (requestContext.serviceArn)' };
  if (isPayload2(event)) return checkPayload2(event);
  if (isPayload1(event)) return checkPayload1(event);
  return { kind: 'unsupported', got: describeObject(event) };
}

function isPayload2(e: Fields): boolean {
  const context = e['requestContext'];
  return e['version'] === '2.0' || has(e, 'rawPath') || (isObject(context) && has(context, 'http'));
}

function isPayload1(e: Fields): boolean {
  const context = e['requestContext'];
  return (
    e['version'] === '1.0' ||
    has(e, 'httpMethod') ||
    (has(e, 'resource') && has(e, 'path')) ||
    (isObject(context) && (has(context, 'resourcePath') || has(context, 'httpMethod')))
  );
}

/** A reporter of what is wrong with a request of one payload format. */
const malformed =
  (format: PayloadFormat) =>
  (field: string, message: string): EventKind => ({ kind: 'malformed', format, field, message });

function checkPayload2(e: Fields): EventKind {
  const bad = malformed('2.0');
  const context = e['requestContext'];
  if (!isObject(context))
    return bad('requestContext', `must be an object, got ${describeValue(context)}`);
  const http = context['http'];
  if (!isObject(http))
    return bad('requestContext.http', `must be an object, got ${describeValue(http)}`);
  if (typeof http['method'] !== 'string' || !TOKEN.test(http['method']))
    return bad(
      'requestContext.http.method',
      `must be an HTTP method, got ${describeValue(http['method'])}`,
    );
  const path = e['rawPath'];
  if (typeof path !== 'string' || !path.startsWith('/'))
    return bad('rawPath', `must be a path starting with "/", got ${describeValue(path)}`);
  if (e['rawQueryString'] !== undefined && typeof e['rawQueryString'] !== 'string')
    return bad('rawQueryString', `must be a string, got ${describeValue(e['rawQueryString'])}`);
  const headers = checkStringMap(e['headers'], false) ?? checkHeaderFields(e['headers']);
  if (headers) return bad('headers', headers);
  const cookies = e['cookies'];
  if (
    cookies !== undefined &&
    !(Array.isArray(cookies) && cookies.every((c) => typeof c === 'string'))
  )
    return bad('cookies', `must be an array of strings, got ${describeValue(cookies)}`);
  // They become one Cookie header, whose value must be bytes.
  const cookie = (cookies as string[] | undefined)?.find(
    (c) => FIELD_VALUE_REFUSED.test(c) || /[^\x00-\xff]/.test(c),
  );
  if (cookie !== undefined)
    return bad(
      'cookies',
      `must be cookie strings of single bytes without CR, LF or NUL (percent-encode the rest); got ${describeValue(cookie)}`,
    );
  return checkUrlAndBody(e, context, path, http['method'], '2.0');
}

function checkPayload1(e: Fields): EventKind {
  const bad = malformed('1.0');
  const method = e['httpMethod'];
  if (typeof method !== 'string' || !TOKEN.test(method))
    return bad('httpMethod', `must be an HTTP method, got ${describeValue(method)}`);
  const path = e['path'];
  if (typeof path !== 'string' || !path.startsWith('/'))
    return bad('path', `must be a path starting with "/", got ${describeValue(path)}`);
  const context = e['requestContext'];
  if (!isObject(context))
    return bad('requestContext', `must be an object, got ${describeValue(context)}`);
  for (const [field, lists] of [
    ['headers', false],
    ['multiValueHeaders', true],
    ['queryStringParameters', false],
    ['multiValueQueryStringParameters', true],
  ] as const) {
    const problem =
      checkStringMap(e[field], lists) ??
      (field === 'headers' || field === 'multiValueHeaders'
        ? checkHeaderFields(e[field])
        : undefined);
    if (problem) return bad(field, problem);
  }
  return checkUrlAndBody(e, context, path, method, '1.0');
}

/** What both formats check last: that host and path make a URL (the translation builds one), and the body. */
function checkUrlAndBody(
  e: Fields,
  context: Fields,
  path: string,
  method: string,
  format: PayloadFormat,
): EventKind {
  const bad = malformed(format);
  const headers = e['headers'] as Fields | null | undefined;
  // The host the translation takes: the context's domain name if it has one, else the header.
  const fromContext = has(context, 'domainName');
  const host = fromContext ? context['domainName'] : (headers?.['host'] ?? headers?.['Host']);
  const url = checkUrl(host, path);
  if (url) return bad(fromContext ? 'requestContext.domainName' : 'headers.host', url);
  const body = checkBody(e, method);
  return body ? bad(body.field, body.message) : { kind: 'api-gateway', format };
}

/** Headers and query parameters: absent, null, or an object of strings (of string arrays for the multi-value maps). */
function checkStringMap(value: unknown, lists: boolean): string | undefined {
  if (value === undefined || value === null) return undefined;
  const expected = lists ? 'an object of string arrays' : 'an object of strings';
  if (!isObject(value)) return `must be ${expected}, got ${describeValue(value)}`;
  for (const [key, v] of Object.entries(value)) {
    const ok = lists
      ? v === null || (Array.isArray(v) && v.every((item) => typeof item === 'string'))
      : v === null || v === undefined || typeof v === 'string';
    if (!ok) return `must be ${expected}; "${key}" is ${describeValue(v)}`;
  }
  return undefined;
}

/** Header names that are tokens, and values a `Headers` takes (of a map already checked for types). */
function checkHeaderFields(value: unknown): string | undefined {
  for (const [name, v] of Object.entries((value ?? {}) as Fields)) {
    if (!TOKEN.test(name)) return `"${name.slice(0, 40)}" is not a header name (an RFC 9110 token)`;
    for (const item of Array.isArray(v) ? v : [v])
      if (typeof item === 'string' && FIELD_VALUE_REFUSED.test(item))
        return `"${name}" holds CR, LF or NUL, which no header value may`;
  }
  return undefined;
}

function checkUrl(host: unknown, path: string): string | undefined {
  if (host !== undefined && (typeof host !== 'string' || !HOST.test(host)))
    return `must be a host name (and port), got ${describeValue(host)}`;
  try {
    new URL(`https://${host ?? 'localhost'}${path}`);
    return undefined;
  } catch {
    return `"${String(host)}" with path "${path}" is not a valid URL`;
  }
}

function checkBody(e: Fields, method: string): { field: string; message: string } | undefined {
  const body = e['body'];
  const base64 = e['isBase64Encoded'];
  if (base64 !== undefined && typeof base64 !== 'boolean')
    return {
      field: 'isBase64Encoded',
      message: `must be true or false, got ${describeValue(base64)}`,
    };
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'string')
    return { field: 'body', message: `must be a string, got ${describeValue(body)}` };
  if (body !== '' && (method === 'GET' || method === 'HEAD'))
    return { field: 'body', message: `must be absent: a ${method} request has no body` };
  if (base64 === true) {
    try {
      atob(body); // what the translation decodes with; it throws on anything that is not base64
    } catch {
      return { field: 'body', message: 'isBase64Encoded is true but the body is not valid base64' };
    }
  }
  return undefined;
}

/** "null", "a string", "an array of 2 items", "the number 5": for messages about a value. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing (the field is missing)';
  if (Array.isArray(value)) return `an array of ${value.length} item(s)`;
  if (typeof value === 'string') return value.length <= 40 ? `the string "${value}"` : 'a string';
  if (typeof value === 'object') return 'an object';
  return `the ${typeof value} ${String(value)}`;
}

/** What a non-HTTP object event is, by the marks each AWS event source leaves. */
function describeObject(e: Fields): string {
  const records = e['Records'];
  if (Array.isArray(records)) {
    const first = records[0];
    const source = isObject(first) ? (first['eventSource'] ?? first['EventSource']) : undefined;
    if (typeof source === 'string')
      return `${RECORD_SOURCES[source] ?? `an event from ${source}`} (Records[0].eventSource "${source}")`;
    return `an event with ${records.length} Records of unknown source`;
  }
  if (typeof e['source'] === 'string' && typeof e['detail-type'] === 'string')
    return `an EventBridge event (source "${e['source']}", detail-type "${e['detail-type']}")`;
  if (isObject(e['awslogs'])) return 'a CloudWatch Logs subscription event (awslogs)';
  const keys = Object.keys(e);
  if (keys.length === 0) return 'an empty object';
  const shown = keys.slice(0, 6).join(', ') + (keys.length > 6 ? ', …' : '');
  return `an object with keys ${shown} (no rawPath, httpMethod or requestContext)`;
}
