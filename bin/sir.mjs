#!/usr/bin/env node
// The `sir` command. The TypeScript sources run as they are, with no build step
// (`runtime/load-typescript.mjs`).
import { loadTypeScript } from '../runtime/load-typescript.mjs';

// A reader that stops reading (`sir search … | head`) is not a failure: stop quietly with status
// 0, as Unix tools do, instead of dying on an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });

await loadTypeScript();
const { main } = await import('../runtime/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
