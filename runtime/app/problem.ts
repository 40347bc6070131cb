/**
 * RFC 9457 problem details: the one shape every error response takes. Handlers throw `Problem`;
 * the app's error handler renders it as `application/problem+json`. Nothing else reaches the client,
 * so no stack trace or engine internals can leak.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  417: 'Expectation Failed',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A failure with an HTTP status, a sentence for humans, and the fields at fault. */
export class Problem extends Error {
  readonly status: ContentfulStatusCode;
  readonly detail: string;
  readonly errors: FieldError[];
  /** A short slug for the `type` URI, e.g. `invalid-parameter`. */
  readonly kind: string;
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    detail: string,
    errors: FieldError[] = [],
    kind = defaultKind(status),
    headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'Problem';
    this.status = status;
    this.detail = detail;
    this.errors = errors;
    this.kind = kind;
    this.headers = headers;
  }
}

function defaultKind(status: number): string {
  switch (status) {
    case 400:
      return 'invalid-request';
    case 404:
      return 'not-found';
    case 405:
      return 'method-not-allowed';
    case 408:
      return 'request-timeout';
    case 409:
      return 'conflict';
    case 413:
      return 'body-too-large';
    case 414:
      return 'url-too-long';
    case 415:
      return 'unsupported-media-type';
    case 417:
      return 'expectation-failed';
    case 431:
      return 'headers-too-large';
    case 503:
      return 'index-unavailable';
    default:
      return 'internal-error';
  }
}

/** A 400 naming one field. */
export function badField(field: string, message: string): Problem {
  return new Problem(400, `${field}: ${message}`, [{ field, message }], 'invalid-parameter');
}

export function problemBody(p: Problem, instance?: string): ProblemBody {
  return {
    type: `https://serverless-ir.dev/problems/${p.kind}`,
    title: TITLES[p.status] ?? 'Error',
    status: p.status,
    detail: p.detail,
    ...(instance ? { instance } : {}),
    ...(p.errors.length ? { errors: p.errors } : {}),
  };
}

export function renderProblem(c: Context, p: Problem): Response {
  const body = JSON.stringify(problemBody(p, c.req.path));
  return c.body(body, p.status, { 'content-type': 'application/problem+json', ...p.headers });
}
