/**
 * The engine's failures as users see them. Rust's allocation-failure handler traps; the trap is a
 * `WebAssembly.RuntimeError` that would print a stack of wasm frames. The module below is a real
 * one whose `rust_oom` function traps as the engine's does (its frames named by a name section).
 */
import assert from 'node:assert/strict';
import { EngineError, engineCall } from '../../runtime/engine/index.js';

const name = (s: string) => [s.length, ...Buffer.from(s)];
const section = (id: number, body: number[]) => [id, body.length, ...body];
/** `f` calls `rust_oom`, which executes `unreachable`. */
function trappingModule(trapName: string): () => void {
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 0, 0]), // one type: () -> ()
    ...section(3, [2, 0, 0]), // two functions of that type
    ...section(7, [1, ...name('f'), 0x00, 1]), // export "f" = function 1
    ...section(10, [2, 3, 0, 0x00, 0x0b, 4, 0, 0x10, 0, 0x0b]), // unreachable; call 0
    ...section(0, [
      ...name('name'),
      1, // function names
      ...((sub: number[]) => [sub.length, ...sub])([2, 0, ...name(trapName), 1, ...name('f')]),
    ]),
  ];
  const instance = new WebAssembly.Instance(new WebAssembly.Module(Uint8Array.from(bytes)));
  return instance.exports.f as () => void;
}

describe('engine/engineCall', () => {
  it('turns an allocation failure in the engine into one sentence with its own code', () => {
    const f = trappingModule('rust_oom');
    assert.throws(
      () => engineCall(f),
      (err: unknown) =>
        err instanceof EngineError &&
        err.code === 'out-of-memory' &&
        /ran out of memory: WebAssembly can address 4 GiB/.test(err.message),
    );
  });

  it('leaves any other trap as it is (a bug, reported with its stack)', () => {
    const f = trappingModule('some_panic');
    assert.throws(
      () => engineCall(f),
      (err: unknown) => err instanceof WebAssembly.RuntimeError,
    );
  });
});
