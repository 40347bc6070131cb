/**
 * `npm run build`: bundles each Lambda — search, and the job pipeline's jobs-api, jobs-worker,
 * jobs-coordinator and jobs-reduce — with esbuild into `dist/lambda/<name>/index.mjs` and the chunks
 * it imports on demand (ESM for the stack's Node.js runtime, minified, each with a source map
 * `*.mjs.map` — mappings only, no sources —
 * that the functions' `--enable-source-maps` turns into readable stack traces) and copies
 * index-core's `.wasm` beside it, where the engine looks first (and, for search, Swagger UI's
 * JS/CSS, which `/docs` serves from beside the code). Prints each function's zipped size and fails
 * when one is over the 2 MB budget (cold-start time grows with it).
 *
 * It also writes `dist/loader/`: the whole `sir` CLI as one self-contained `bin/sir.mjs` with the
 * `.wasm` beside it, runnable with plain `node` (the loader instance has no internet and runs no
 * `npm install`); Pulumi zips it into the staging bucket (the loader contract's tooling key). And
 * `dist/policy-pack/`, the CrossGuard pack (scripts/build-policy-pack.ts).
 */
import { build, type Plugin } from 'esbuild';
import { zipSync } from 'fflate';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOADER_TOOLING_DIR } from '../infra/artifacts.js';
import { LAMBDA_NODE_MAJOR } from '../infra/lambda-platform.js';
import { SWAGGER_UI_FILES } from '../runtime/app/docs.js';
import { LOADER_NODE_MAJOR } from '../runtime/upload/loader-contract.js';
import { buildPolicyPack } from './build-policy-pack.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WASM = join(ROOT, 'index-core/pkg/index_core_bg.wasm');
const LIMIT_BYTES = 2 * 1024 * 1024;
const LAMBDAS: Record<string, string> = {
  search: 'runtime/lambda/search.ts',
  'jobs-api': 'runtime/lambda/jobs-api.ts',
  'jobs-worker': 'runtime/lambda/jobs-worker.ts',
  'jobs-coordinator': 'runtime/lambda/jobs-coordinator.ts',
  'jobs-reduce': 'runtime/lambda/jobs-reduce.ts',
};
const LOADER_DIR = join(ROOT, LOADER_TOOLING_DIR);

/**
 * zod's namespace re-exports its error messages in every language it ships (`z.locales`, 260 KB
 * of the 450 KB zod brings), which no tree-shaking can drop from a namespace, and every cold start
 * would parse. The app speaks English only (zod's default, which zod imports by its own path), so
 * the bundles get a `locales` with English alone.
 */
const englishOnlyZod: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), '../locales/en.js'), namespace: 'zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};
/**
 * Node's built-in modules through `require`, not `import`. An ESM import of a built-in makes Node
 * build a module facade that reads every export once, which runs the built-in's lazy getters:
 * `node:fs` alone then loads Node's streams, about 7 ms of a cold start (bench/PROFILE.md, First
 * answer, tenth pass). Through `require` the getters stay lazy.
 */
const builtinsByRequire: Plugin = {
  name: 'builtins-by-require',
  setup(b) {
    b.onResolve({ filter: /^[a-z_/:]+$/ }, (args) =>
      // An `import()` stays one: it runs when its code does, and takes the facade then. The
      // `require` below is a require-call, so it resolves to Node's module itself.
      isBuiltin(args.path) && args.kind === 'import-statement'
        ? { path: args.path, namespace: 'node-builtin' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
    }));
  },
};
// Some dependencies still call require() for node builtins (and builtinsByRequire makes them all
// do so); give ESM a require.
const REQUIRE_BANNER =
  "import { createRequire as __sirCreateRequire } from 'node:module'; const require = __sirCreateRequire(import.meta.url);";
/** Files copied beside a Lambda's bundle, by Lambda: the search app serves Swagger UI's assets at /docs. */
const EXTRA_FILES: Record<string, string[]> = {
  search: Object.keys(SWAGGER_UI_FILES).map((f) =>
    createRequire(import.meta.url).resolve(`swagger-ui-dist/${f}`),
  ),
};

export async function buildLambdas(
  log: (line: string) => void = console.log,
): Promise<Record<string, number>> {
  if (!existsSync(WASM)) throw new Error(`${WASM} is missing; run \`npm run build:wasm\` first`);
  const sizes: Record<string, number> = {};
  for (const [name, entry] of Object.entries(LAMBDAS)) {
    const out = join(ROOT, 'dist/lambda', name);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    await build({
      entryPoints: { index: join(ROOT, entry) },
      outdir: out,
      outExtension: { '.js': '.mjs' },
      // Code only some paths reach (the AWS SDK behind the search function's `s3` tier) goes into
      // chunks beside index.mjs that Node parses when they are first imported, not at every cold
      // start. Beside it, not below: the engine finds its .wasm next to its own module.
      splitting: true,
      chunkNames: '[name]-[hash]',
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: `node${LAMBDA_NODE_MAJOR}`,
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      legalComments: 'none',
      banner: { js: REQUIRE_BANNER },
      plugins: [englishOnlyZod, builtinsByRequire],
      logLevel: 'warning',
    });
    copyFileSync(WASM, join(out, 'index_core_bg.wasm'));
    for (const file of EXTRA_FILES[name] ?? []) copyFileSync(file, join(out, basename(file)));
    // Zip everything in the folder: that is what the deployment ships.
    const zipped = zipSync(
      Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f))])),
      { level: 9 },
    );
    sizes[name] = zipped.length;
    log(
      `dist/lambda/${name}: ${(zipped.length / 1024).toFixed(1)} KiB zipped (limit ${LIMIT_BYTES / 1024} KiB)`,
    );
    if (zipped.length > LIMIT_BYTES)
      throw new Error(
        `dist/lambda/${name} is ${zipped.length} bytes zipped, over the ${LIMIT_BYTES}-byte budget`,
      );
  }
  return sizes;
}

/** Bundles the `sir` CLI for the loader into dist/loader/bin/sir.mjs (+ the .wasm beside it). Returns its size. */
export async function buildLoaderTooling(
  log: (line: string) => void = console.log,
): Promise<number> {
  if (!existsSync(WASM)) throw new Error(`${WASM} is missing; run \`npm run build:wasm\` first`);
  rmSync(LOADER_DIR, { recursive: true, force: true });
  mkdirSync(join(LOADER_DIR, 'bin'), { recursive: true });
  await build({
    stdin: {
      contents:
        "import { main } from './runtime/cli/main.ts';\nprocess.exitCode = await main(process.argv.slice(2));\n",
      resolveDir: ROOT,
      sourcefile: 'sir-loader-entry.ts',
      loader: 'ts',
    },
    outfile: join(LOADER_DIR, 'bin/sir.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: `node${LOADER_NODE_MAJOR}`,
    minify: true,
    legalComments: 'none',
    banner: { js: `#!/usr/bin/env node\n${REQUIRE_BANNER}` },
    logLevel: 'warning',
  });
  copyFileSync(WASM, join(LOADER_DIR, 'bin/index_core_bg.wasm'));
  const bytes =
    readFileSync(join(LOADER_DIR, 'bin/sir.mjs')).length +
    readFileSync(join(LOADER_DIR, 'bin/index_core_bg.wasm')).length;
  log(
    `dist/loader: sir CLI for the loader, ${(bytes / 1024).toFixed(1)} KiB (bin/sir.mjs + index_core_bg.wasm)`,
  );
  return bytes;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildLambdas()
    .then(() => buildLoaderTooling())
    .then(() => buildPolicyPack())
    .catch((err: Error) => {
      console.error(`build-lambdas: ${err.message}`);
      process.exit(1);
    });
}
