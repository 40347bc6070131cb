// Lets a thread import the TypeScript sources as they are, so a clone runs after `npm install`
// with no build step: `bin/sir.mjs` and each build worker call `loadTypeScript` first.
//
// From Node 24.3, Node strips the types itself, quietly, and keeps the result in its compile
// cache, so a command starts about 40 ms sooner than through tsx's loader (`sir index --help`: 62
// against 106 ms) and a build worker sooner still. Elsewhere tsx's loader runs them: Node 22
// strips every file again on each run (slower than tsx's cached transforms: 155 against 113 ms),
// Node 24.0–24.2 print an experimental warning for each file, Node refuses to strip sources
// installed under a node_modules folder, and stripping may be switched off.
import module from 'node:module';
import { fileURLToPath } from 'node:url';

/** The repository's root, under which the sources live. */
const ROOT = new URL('../', import.meta.url).href;

/**
 * Beside the dependencies, not in the system's temporary folder (Node's default): `sir index`
 * leaves nothing there, and a full temporary folder must not fail a command. A folder that cannot
 * be written only leaves the cache off; NODE_COMPILE_CACHE overrides.
 */
const CACHE = fileURLToPath(new URL('node_modules/.cache/node-compile-cache', ROOT));

function nodeStripsTypes() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  return (
    (major > 24 || (major === 24 && minor >= 3)) &&
    Boolean(process.features.typescript) &&
    typeof module.registerHooks === 'function' &&
    !ROOT.includes('/node_modules/')
  );
}

export async function loadTypeScript() {
  if (!nodeStripsTypes()) {
    (await import('tsx/esm/api')).register();
    return;
  }
  module.enableCompileCache(process.env.NODE_COMPILE_CACHE || CACHE);
  // A source imports another as `./x.js`, as TypeScript's NodeNext resolution asks; the file is
  // `./x.ts`. Only the sources' own imports are retried, and a miss reports the name asked for.
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (err) {
        const parent = context.parentURL ?? '';
        if (
          err?.code !== 'ERR_MODULE_NOT_FOUND' ||
          !/^\.\.?\/.*\.js$/.test(specifier) ||
          !parent.startsWith(ROOT) ||
          !parent.endsWith('.ts') ||
          parent.includes('/node_modules/')
        )
          throw err;
        try {
          return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
        } catch {
          throw err;
        }
      }
    },
  });
}
