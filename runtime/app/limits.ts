/**
 * The API's request limits, without zod: the schemas (schemas.ts), the search operation, the HTTP
 * server and the search Lambda's direct `GET /search` path all read them from here, and only the
 * first needs zod.
 */

/** Longest `q` (and any other string parameter), in UTF-16 code units. */
export const MAX_Q = 1024;
export const MAX_SIZE = 100;
export const DEFAULT_SIZE = 10;
/** Largest JSON body of `POST /search` and `POST /jobs`. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Most `filter` parameters in one query string. */
export const MAX_FILTERS = 32;
