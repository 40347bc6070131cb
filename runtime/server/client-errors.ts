/**
 * What to answer when Node's HTTP parser refuses a request (the server's `clientError` event): the
 * right 4xx as problem+json naming the part at fault, instead of Node's bodiless 400/431/408.
 * Error codes are llhttp's (`HPE_*`) and Node's request timeout.
 */
import { Problem } from '../app/problem.js';
import type { ServerLimits } from './limits.js';

/** Methods the API serves; an unknown method gets 405 with these. */
const ALLOWED = 'GET, HEAD, POST, OPTIONS';

const bad = (field: string, detail: string) =>
  new Problem(400, detail, [{ field, message: detail }], 'invalid-request');

/** The problem for a parser error, or undefined when there is no one left to answer (a reset). */
export function problemForClientError(
  err: NodeJS.ErrnoException & { rawPacket?: Buffer; reason?: string },
  limits: ServerLimits,
): Problem | undefined {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new Problem(
        431,
        `the request line and header fields exceed ${limits.maxUrlBytes + limits.maxHeaderBytes} bytes; this server accepts URLs up to ${limits.maxUrlBytes} bytes and headers up to ${limits.maxHeaderBytes} bytes (send long queries as POST /search)`,
        [{ field: 'headers', message: `at most ${limits.maxHeaderBytes} bytes` }],
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new Problem(
        408,
        `the request did not arrive in time: headers are accepted for ${limits.headersTimeoutMs / 1000} s and the whole request for ${limits.requestTimeoutMs / 1000} s`,
        [],
      );
    case 'HPE_INVALID_METHOD': {
      const method = /^([A-Za-z_-]{1,32}) /.exec(String(err.rawPacket ?? ''))?.[1];
      if (!method)
        return bad('request', 'not an HTTP/1.1 request (is this TLS to a plain-HTTP port?)');
      return new Problem(
        405,
        `${method} is not a method this server knows; use ${ALLOWED}`,
        [{ field: 'method', message: `one of ${ALLOWED}` }],
        'method-not-allowed',
        { allow: ALLOWED },
      );
    }
    case 'HPE_INVALID_URL':
      return bad(
        'url',
        'the request target has characters that must be percent-encoded (spaces, controls or non-ASCII)',
      );
    case 'HPE_INVALID_HEADER_TOKEN':
      return bad(
        'headers',
        'a header name or value has a character HTTP does not allow there (NUL, CR, LF or another control character)',
      );
    case 'HPE_INVALID_CONTENT_LENGTH':
      return bad('content-length', 'Content-Length must be one non-negative decimal integer');
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return bad(
        'transfer-encoding',
        'send either one Content-Length or Transfer-Encoding: chunked (alone, as the last coding), not both',
      );
    case 'HPE_INVALID_EOF_STATE':
    case 'ECONNRESET':
    case 'EPIPE':
      return undefined;
    default:
      return bad(
        'request',
        `not a valid HTTP/1.1 request${err.reason ? ` (${err.reason.toLowerCase()})` : ''}`,
      );
  }
}
