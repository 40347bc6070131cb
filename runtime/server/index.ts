/** The HTTP server `sir serve` runs the app on: limits, parser errors as problems, load shedding. */
export { listen, type HttpServerOptions, type RunningServer } from './http-server.js';
export { ServeError } from './serve-error.js';
export { SERVER_DEFAULTS, resolveLimits, type ServerLimits } from './limits.js';
export { serveIndex, type ServeIndexOptions, type ServedIndex } from './serve-index.js';
