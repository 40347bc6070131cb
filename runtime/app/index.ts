/** The Hono app shared by Lambda and the local server. */
export { createApp, type AppOptions } from './app.js';
export type { IndexSource } from './search.js';
export { openLiveIndex } from './live.js';
export { Problem, problemBody, type ProblemBody, type FieldError } from './problem.js';
