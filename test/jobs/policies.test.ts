/** Scaling policies: pure functions of (job progress, queue metrics) → tasks to release now. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type PolicySpec, tasksToRelease } from '../../runtime/jobs/index.js';

const job = (total: number, pending: number, inFlight: number) => ({ total, pending, inFlight });

describe('scaling policies', () => {
  it('AlwaysOne keeps exactly one task in flight', () => {
    const p: PolicySpec = { name: 'AlwaysOne' };
    assert.equal(tasksToRelease(p, job(10, 10, 0)), 1);
    assert.equal(tasksToRelease(p, job(10, 9, 1)), 0);
    assert.equal(tasksToRelease(p, job(10, 0, 0)), 0);
  });

  it('StaticProportional(m) runs one worker per m tasks', () => {
    assert.equal(tasksToRelease({ name: 'StaticProportional', m: 4 }, job(16, 16, 0)), 4);
    assert.equal(tasksToRelease({ name: 'StaticProportional', m: 4 }, job(17, 17, 0)), 5);
    assert.equal(tasksToRelease({ name: 'StaticProportional', m: 4 }, job(16, 10, 3)), 1);
    assert.equal(tasksToRelease({ name: 'StaticProportional', m: 1 }, job(16, 16, 0)), 16);
    assert.equal(tasksToRelease({ name: 'StaticProportional', m: 100 }, job(3, 3, 0)), 1);
  });

  it('QueueDepth releases while the shared queue has room, and never starves a job', () => {
    const p: PolicySpec = { name: 'QueueDepth', backlog: 8 };
    assert.equal(tasksToRelease(p, job(20, 20, 0), { waiting: 0, inFlight: 0 }), 8);
    assert.equal(tasksToRelease(p, job(20, 15, 5), { waiting: 5, inFlight: 2 }), 3);
    // The queue is full of other jobs' tasks: a job with nothing in flight still gets one.
    assert.equal(tasksToRelease(p, job(20, 20, 0), { waiting: 500, inFlight: 10 }), 1);
    assert.equal(tasksToRelease(p, job(20, 19, 1), { waiting: 500, inFlight: 10 }), 0);
    assert.throws(() => tasksToRelease(p, job(1, 1, 0)), /needs the task queue metrics/);
  });

  it('never releases more than is pending nor a negative count, whatever the inputs', () => {
    const policy = fc.oneof(
      fc.constant<PolicySpec>({ name: 'AlwaysOne' }),
      fc.integer({ min: 1, max: 50 }).map((m): PolicySpec => ({ name: 'StaticProportional', m })),
      fc.integer({ min: 1, max: 50 }).map((b): PolicySpec => ({ name: 'QueueDepth', backlog: b })),
    );
    fc.assert(
      fc.property(
        policy,
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 200 }),
        fc.nat(1000),
        (p, pending, inFlight, done, waiting) => {
          const total = pending + inFlight + done;
          const n = tasksToRelease(p, job(total, pending, inFlight), { waiting, inFlight: 0 });
          return Number.isInteger(n) && n >= 0 && n <= pending;
        },
      ),
    );
  });
});
