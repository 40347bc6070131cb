/**
 * The Lambda adapter: API Gateway events in, the app's responses out, through `hono/aws-lambda`.
 * It only translates. An event that is not an API Gateway request (a queue, bucket or schedule
 * wired to the function by mistake) is refused with a thrown error that names what it got, so the
 * misconfiguration fails loudly in the trigger's own retries and the function's error metrics; a
 * malformed API Gateway request gets a 400 problem+json naming the field, like any bad input. A
 * function may put a direct path in front of the app (the search Lambda's `GET /search`,
 * direct-search.ts); the app is then created on the first request that path leaves to it.
 */
import { handle } from 'hono/aws-lambda';
import { Problem, problemBody } from '../app/problem.js';
import { classifyEvent, type EventKind } from './event-kind.js';

/** Thrown for events that are not API Gateway requests. */
export class UnsupportedEventError extends Error {
  override name = 'UnsupportedEventError';
}

/** What the handler returns to API Gateway (both payload formats accept this shape). */
export interface LambdaResult {
  statusCode: number;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  cookies?: string[];
  body: string;
  isBase64Encoded: boolean;
}

type App = Parameters<typeof handle>[0];

/** Answers a payload 2.0 request itself, or returns undefined to leave it to the app. */
export type DirectPath = (
  event: Record<string, unknown>,
  lambdaContext: unknown,
) => Promise<LambdaResult | undefined>;

/** `handle(app)` behind the event check, and behind `direct` when one is given. */
export function apiGatewayHandler(
  app: () => App | Promise<App>,
  direct?: DirectPath,
): (event: unknown, context: unknown) => Promise<LambdaResult> {
  let translate: Promise<ReturnType<typeof handle>> | undefined;
  return async (event, context) => {
    const kind = classifyEvent(event);
    if (kind.kind === 'unsupported') {
      throw new UnsupportedEventError(
        `refusing ${kind.got}: this function answers API Gateway HTTP API (payload 2.0) and REST API (payload 1.0) requests only; check the triggers wired to it`,
      );
    }
    if (kind.kind === 'malformed') return malformedResult(kind);
    if (direct && kind.format === '2.0') {
      const answered = await direct(event as Record<string, unknown>, context);
      if (answered) return answered;
    }
    // Created once; a failure is not kept, so the next request tries again.
    translate ??= Promise.resolve()
      .then(app)
      .then((a) => handle(a))
      .catch((err: unknown) => {
        translate = undefined;
        throw err;
      });
    return (await (
      await translate
    )(event as never, context as never)) as LambdaResult;
  };
}

function malformedResult(kind: Extract<EventKind, { kind: 'malformed' }>): LambdaResult {
  const problem = new Problem(
    400,
    `the request is not a well-formed API Gateway payload ${kind.format} event: ${kind.field} ${kind.message}`,
    [{ field: kind.field, message: kind.message }],
    'invalid-event',
  );
  return {
    statusCode: 400,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify(problemBody(problem)),
    isBase64Encoded: false,
  };
}
