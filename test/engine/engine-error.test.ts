/**
 * The engine's failures as users see them, and what a trap leaves behind. Rust's allocation-failure
 * handler traps; the trap is a `WebAssembly.RuntimeError` that would print a stack of wasm frames,
 * and the instance it leaves must never run again. A trap marks the engine stopped for the whole
 * process, so each case runs in a fresh process (test/fixtures/trapping-wasm.ts is a real module
 * that traps as the engine does).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** Runs `body` as a module in a fresh Node process (with tsx), from the repository root. */
function inFreshProcess(body: string) {
  const script = `
    import { trappingModule } from './test/fixtures/trapping-wasm.ts';
    import { EngineError, engine, engineBroken, engineCall } from './runtime/engine/index.ts';
    const describe = (err) => ({
      type: err instanceof EngineError ? 'EngineError' : err.constructor.name,
      code: err.code,
      message: err.message,
    });
    const attempt = (fn) => { try { fn(); return { ok: true }; } catch (err) { return describe(err); } };
    ${body}
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const json = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!);

describe('engine/engineCall and a trapped engine', function () {
  this.timeout(120_000);

  it('turns an allocation failure into one sentence, and refuses to run the engine again', () => {
    const r = inFreshProcess(`
      const before = attempt(() => engine());
      const trap = attempt(() => engineCall(trappingModule('rust_oom')));
      const after = attempt(() => engine());
      console.log(JSON.stringify({ before, trap, after, broken: engineBroken()?.code }));
    `);
    assert.equal(r.status, 0, r.stderr);
    const { before, trap, after, broken } = json(r.stdout);
    assert.deepEqual(before, { ok: true });
    assert.equal(trap.type, 'EngineError');
    assert.equal(trap.code, 'out-of-memory');
    assert.match(trap.message, /ran out of memory: WebAssembly can address 4 GiB/);
    assert.equal(after.code, 'out-of-memory');
    assert.match(after.message, /cannot run again until the process restarts \(the engine ran out/);
    assert.equal(broken, 'out-of-memory');
  });

  it('leaves any other trap as it is (a bug, reported with its stack), and stops the engine too', () => {
    const r = inFreshProcess(`
      const trap = attempt(() => engineCall(trappingModule('some_panic')));
      const after = attempt(() => engine());
      console.log(JSON.stringify({ trap, after }));
    `);
    assert.equal(r.status, 0, r.stderr);
    const { trap, after } = json(r.stdout);
    assert.equal(trap.type, 'RuntimeError');
    assert.deepEqual([after.type, after.code], ['EngineError', 'internal']);
  });

  it('makes a queue-fed function exit after the batch, so Lambda starts a fresh environment', () => {
    const r = inFreshProcess(`
      const { sqsBatchHandler } = await import('./runtime/lambda/sqs-adapter.ts');
      const { sqsEvent } = await import('./test/fixtures/lambda-events.ts');
      const answered = [];
      const healthy = sqsBatchHandler(async () => ({ batchItemFailures: [] }));
      answered.push(await healthy(sqsEvent));
      const trapping = sqsBatchHandler(async () => {
        try { engineCall(trappingModule('rust_oom')); } catch {}
        return { batchItemFailures: [] };
      });
      console.log(JSON.stringify(answered));
      await trapping(sqsEvent);
      console.log('still running');
    `);
    assert.equal(r.status, 1, `exit status: ${r.status}; ${r.stderr}`);
    assert.deepEqual(json(r.stdout), [{ batchItemFailures: [] }]);
    assert.doesNotMatch(r.stdout, /still running/);
    const line = JSON.parse(r.stderr.trim().split('\n').at(-1)!);
    assert.equal(line.level, 'error');
    assert.match(line.msg, /the engine stopped; exiting for a fresh environment/);
    assert.match(line.error, /ran out of memory/);
  });
});
