#!/usr/bin/env node
// The `sir` command. Runs the TypeScript sources through tsx's loader, so a clone works after
// `npm install` with no build step.
import { register } from 'tsx/esm/api';

// A reader that stops reading (`sir search … | head`) is not a failure: stop quietly with status
// 0, as Unix tools do, instead of dying on an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });

register();
const { main } = await import('../runtime/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
