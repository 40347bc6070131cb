// Lets a thread import the TypeScript sources as they are, so a clone runs after `npm install`
// with no build step: `bin/sir.mjs` and each build worker call `loadTypeScript` first.
//
// On Node 24 and later, Node strips the types itself and keeps the result in its compile cache,
// so a command starts about 40 ms sooner than through tsx's loader (`sir index --help`: 62
// against 106 ms) and a build worker sooner still. Node 22 strips every file again on each run,
// slower than tsx's cached transforms: there, and wherever Node's stripping is off, tsx's loader
// runs them.
import module from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Beside the dependencies, not in the system's temporary folder (Node's default): `sir index`
 * leaves nothing there, and a full temporary folder must not fail a command. A folder that cannot
 * be written only leaves the cache off; NODE_COMPILE_CACHE overrides.
 */
const CACHE = fileURLToPath(new URL('../node_modules/.cache/node-compile-cache', import.meta.url));

export async function loadTypeScript() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24 || !process.features.typescript || typeof module.registerHooks !== 'function') {
    (await import('tsx/esm/api')).register();
    return;
  }
  module.enableCompileCache(process.env.NODE_COMPILE_CACHE || CACHE);
  // The sources import each other as `./x.js`, as TypeScript's NodeNext resolution asks; the file
  // is `./x.ts`.
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (err) {
        if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !/^\.\.?\/.*\.js$/.test(specifier)) throw err;
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      }
    },
  });
}
