import assert from 'node:assert/strict';
import { EvalInputError } from '../../runtime/eval/index.js';

/** Asserts that `fn` throws an `EvalInputError` whose message equals `message` (or matches it). */
export function throwsInput(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof EvalInputError, `expected EvalInputError, got ${String(err)}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}
