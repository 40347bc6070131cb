/**
 * Where the program finds the build artifacts it deploys. Paths are resolved from this file, not
 * from the working directory, because `pulumi up` runs the program from the project root while
 * tests and `npm run infra:graph` may run it from anywhere.
 */
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Absolute path of a repository-relative path. */
export function repoPath(relative: string): string {
  return `${REPO_ROOT}${relative}`;
}

/** `npm run build` output: the search Lambda bundle (`index.mjs` exporting `handler`, `.wasm` beside it). */
export const SEARCH_LAMBDA_DIR = 'dist/lambda/search';

/** `npm run build` output: the job pipeline's function bundles, by function. */
export const JOB_LAMBDA_DIRS = {
  api: 'dist/lambda/jobs-api',
  worker: 'dist/lambda/jobs-worker',
  coordinator: 'dist/lambda/jobs-coordinator',
  reduce: 'dist/lambda/jobs-reduce',
} as const;

/**
 * `npm run build` output for the loader: a self-contained folder with `bin/sir.mjs` (and the
 * `.wasm` it loads) that runs with plain `node` — the loader has no internet, so no `npm install`.
 */
export const LOADER_TOOLING_DIR = 'dist/loader';
