/**
 * The Lambda platform of the stack, in one place: the program deploys functions with it, the
 * policy pack enforces it, and `npm run build` bundles for it. Plain constants, no Pulumi imports,
 * so the policy pack bundle and the build script can load them.
 */

/** Node.js major version of every function (Lambda runtime `nodejs24.x`). */
export const LAMBDA_NODE_MAJOR = 24;
/** The Lambda runtime identifier. */
export const LAMBDA_RUNTIME = `nodejs${LAMBDA_NODE_MAJOR}.x` as const;
/** Oldest Node.js runtime the policy pack accepts (nodejs20.x is past its end of life). */
export const MIN_LAMBDA_NODE_MAJOR = 22;
/**
 * Graviton: the same WebAssembly engine runs on either architecture, and arm64 is billed about 20%
 * less per GB-second, so there is no reason to offer x86_64; the policy pack refuses it.
 */
export const LAMBDA_ARCHITECTURE = 'arm64';
/**
 * NODE_OPTIONS of every function: stack traces in the logs point into the TypeScript sources
 * through the source maps `npm run build` writes beside each bundle's files (`index.mjs.map`, ...).
 */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';
/**
 * Memory of the job pipeline's API and coordinator functions, in MB: they move small JSON objects
 * between S3 and SQS, never documents.
 */
export const JOBS_SMALL_FUNCTION_MEMORY_MB = 256;
