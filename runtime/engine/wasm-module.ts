/**
 * Loads index-core's WebAssembly module once per process, synchronously, from the `.wasm` file
 * beside the running code: next to the bundle in a Lambda (`dist/lambda/<name>/`), in
 * `index-core/pkg/` when running from source.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as core from '../../index-core/pkg/index_core.js';

const WASM_FILE = 'index_core_bg.wasm';

let instance: core.InitOutput | undefined;

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
  if (instance === undefined) {
    const path = wasmCandidates().find((p) => existsSync(p));
    if (!path) {
      throw new Error(
        `index-core: ${WASM_FILE} not found (looked in ${wasmCandidates().join(', ')}); run \`npm run build:wasm\``,
      );
    }
    instance = core.initSync(readFileSync(path));
  }
  return core;
}

/**
 * The size of this thread's engine memory: WebAssembly memory only grows, so this is the most the
 * engine has held at once (0 before first use). `bench/merge-memory.ts` reports it.
 */
export function engineMemoryBytes(): number {
  return instance?.memory.buffer.byteLength ?? 0;
}
