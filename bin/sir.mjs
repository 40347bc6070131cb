#!/usr/bin/env node
// The `sir` command. Runs the TypeScript sources through tsx's loader, so a clone works after
// `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../runtime/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
