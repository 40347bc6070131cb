/** The Hono app shared by Lambda and the local server. */
export { createApp, type AppOptions, type IndexSource } from './app.js';
export { openLiveIndex } from './live.js';
export { Problem, problemBody, type ProblemBody, type FieldError } from './problem.js';
