/**
 * Loads index-core's WebAssembly module once per process, synchronously, from the `.wasm` file
 * beside the running code: next to the bundle in a Lambda (`dist/lambda/<name>/`), in
 * `index-core/pkg/` when running from source.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as core from '../../index-core/pkg/index_core.js';
import { EngineError } from './engine-error.js';
import type { IndexFileReader } from './index-file.js';

const WASM_FILE = 'index_core_bg.wasm';

let instance: core.InitOutput | undefined;
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
 * Opens an index over `file` (call it inside `engineCall`). The engine reads through `readAt`,
 * into a buffer it passes, and through `readInto`, straight into its memory at an address: a new
 * vector's capacity, which it then need not zero-fill first (index-core's `ReadAt::read_vec`;
 * about 6 ms of a cold open over 100k documents, bench/PROFILE.md, First answer).
 */
export function engineIndex(file: IndexFileReader): core.Index {
  const exports = engine();
  const memory = instance!.memory;
  return new exports.Index({
    get size() {
      return file.size;
    },
    readAt: (offset: number, into: Uint8Array) => file.readAt(offset, into),
    // The address arrives as a signed 32-bit number: `>>> 0` keeps one past 2 GiB right.
    readInto: (offset: number, at: number, len: number) =>
      file.readAt(offset, new Uint8Array(memory.buffer, at >>> 0, len)),
  });
}

/**
 * The size of this thread's engine memory: WebAssembly memory only grows, so this is the most the
 * engine has held at once (0 before first use). `bench/merge-memory.ts` reports it.
 */
export function engineMemoryBytes(): number {
  return instance?.memory.buffer.byteLength ?? 0;
}
