/**
 * Loads index-core's WebAssembly module once per process, synchronously, from the `.wasm` file
 * beside the running code: next to the bundle in a Lambda (`dist/lambda/<name>/`), in
 * `index-core/pkg/` when running from source.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as core from '../../index-core/pkg/index_core.js';
import { EngineError } from './engine-error.js';

const WASM_FILE = 'index_core_bg.wasm';

let loaded = false;
/** Why the instance may not run again, once it has trapped. */
let broken: EngineError | undefined;

/**
 * Records that the instance trapped. A trap unwinds past Rust's destructors and leaves the shadow
 * stack pointer mid-call: the memory it held stays allocated and later calls would run on a damaged
 * stack, so the instance never runs again in this process.
 */
export function markEngineBroken(cause: EngineError): void {
  broken ??= cause;
}

/** The failure that stopped the engine in this process, if one did. */
export function engineBroken(): EngineError | undefined {
  return broken;
}

/** Where the module is looked for, in order. `SIR_WASM` overrides (an absolute path). */
export function wasmCandidates(): string[] {
  const fromEnv = process.env.SIR_WASM;
  return [
    ...(fromEnv ? [fromEnv] : []),
    fileURLToPath(new URL(`./${WASM_FILE}`, import.meta.url)),
    fileURLToPath(new URL(`../../index-core/pkg/${WASM_FILE}`, import.meta.url)),
  ];
}

/** The engine's exports, initialised on first use. */
export function engine(): typeof core {
  if (broken)
    throw new EngineError(
      broken.code,
      `the engine stopped in this process at an earlier failure and cannot run again until the process restarts (${broken.message})`,
    );
  if (!loaded) {
    const path = wasmCandidates().find((p) => existsSync(p));
    if (!path) {
      throw new Error(
        `index-core: ${WASM_FILE} not found (looked in ${wasmCandidates().join(', ')}); run \`npm run build:wasm\``,
      );
    }
    core.initSync(readFileSync(path));
    loaded = true;
  }
  return core;
}
