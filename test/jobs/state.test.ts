/** The job state machine (state.ts): releases, completion, failures, generations, retry. */
import assert from 'node:assert/strict';
import {
  type Emit,
  type JobEvent,
  type JobState,
  corpusLine,
  newJobState,
  progress,
  step,
} from '../../runtime/jobs/state.js';
import type { PolicySpec } from '../../runtime/jobs/index.js';

const now = new Date('2026-11-23T04:00:00Z');
const all: PolicySpec = { name: 'StaticProportional', m: 1 };
const done = (task: number, lines = 10): JobEvent => ({
  type: 'task-done',
  task,
  docs: lines,
  lines,
  reused: false,
});
const failed = (task: number, generation = 0, permanent = true): JobEvent => ({
  type: 'task-failed',
  task,
  generation,
  message: `chunk ${task + 1}: bad`,
  permanent,
  chunkLine: 3,
});
const run = (s: JobState, events: JobEvent[], policy: PolicySpec = all) =>
  step(s, events, { policy, now });
const tasksOf = (emit: Emit[]) => emit.flatMap((e) => (e.type === 'task' ? [e.task] : []));

describe('job state', () => {
  it('releases by policy, then starts the reduce step once every task is done', () => {
    let s = newJobState('build-x', 'build-index', 3, now);
    let r = run(s, [{ type: 'submitted' }], { name: 'AlwaysOne' });
    assert.deepEqual(tasksOf(r.emit), [0]);
    s = r.state;
    r = run(s, [done(0)], { name: 'AlwaysOne' });
    assert.deepEqual(tasksOf(r.emit), [1]);
    r = run(r.state, [done(1)], { name: 'AlwaysOne' });
    assert.deepEqual(tasksOf(r.emit), [2]);
    r = run(r.state, [done(2)], { name: 'AlwaysOne' });
    assert.deepEqual(r.emit, [{ type: 'reduce', generation: 0 }]);
    assert.equal(r.state.phase, 'reduce');
    assert.equal(r.state.mapFinishedAt, now.toISOString());
  });

  it('is idempotent: the same events applied twice change nothing more and send nothing new', () => {
    const s0 = run(newJobState('build-x', 'build-index', 4, now), [{ type: 'submitted' }]).state;
    const once = run(s0, [done(0), done(2)]);
    const twice = run(once.state, [done(0), done(2)]);
    assert.deepEqual(twice.state, once.state);
    assert.deepEqual(twice.emit, []);
    // The original state is not modified.
    assert.equal(progress(s0).done, 0);
  });

  it('a permanent task failure fails the job; later tasks stay unreleased', () => {
    let r = run(newJobState('build-x', 'build-index', 5, now), [{ type: 'submitted' }], {
      name: 'StaticProportional',
      m: 2,
    });
    assert.deepEqual(tasksOf(r.emit), [0, 1, 2]);
    r = run(r.state, [done(0), failed(1)], { name: 'StaticProportional', m: 2 });
    assert.equal(r.state.phase, 'failed');
    assert.deepEqual(r.emit, [], 'a failed job releases nothing more');
    assert.equal(r.state.failure?.task, 1);
    // Line 3 of chunk 2, after chunk 1's 10 lines; unknown until chunk 1 has reported.
    assert.equal(corpusLine(r.state, r.state.failure!), 13);
    const p = progress(r.state);
    assert.deepEqual([p.done, p.failed, p.inFlight, p.pending], [1, 1, 1, 2]);
  });

  it('ignores a stale failure of an older generation, accepts a late success', () => {
    let r = run(newJobState('build-x', 'build-index', 2, now), [{ type: 'submitted' }]);
    r = run(r.state, [failed(0, 0)]);
    assert.equal(r.state.phase, 'failed');
    r = run(r.state, [{ type: 'retry', generation: 0, done: [] }]);
    assert.equal(r.state.generation, 1);
    assert.equal(r.state.phase, 'map');
    assert.deepEqual(r.emit, [{ type: 'task', task: 0, generation: 1 }]);
    // The old generation's copy fails again (say, from the dead-letter queue): ignored.
    r = run(r.state, [failed(0, 0)]);
    assert.equal(r.state.phase, 'map');
    r = run(r.state, [done(0), done(1)]);
    assert.equal(r.state.phase, 'reduce');
  });

  it('a late success heals a failed map step', () => {
    let r = run(newJobState('build-x', 'build-index', 2, now), [{ type: 'submitted' }]);
    r = run(r.state, [done(0), failed(1, 0, false)]);
    assert.equal(r.state.phase, 'failed');
    r = run(r.state, [done(1)]);
    assert.equal(r.state.phase, 'reduce');
    assert.equal(r.state.failure, undefined);
    assert.deepEqual(r.emit, [{ type: 'reduce', generation: 0 }]);
  });

  it('retry reruns only failed tasks, counts what finished unheard, and is applied once', () => {
    let r = run(newJobState('build-x', 'build-index', 4, now), [{ type: 'submitted' }]);
    r = run(r.state, [done(0), failed(2, 0, false)]);
    const retry: JobEvent = {
      type: 'retry',
      generation: 0,
      done: [{ task: 1, docs: 4, lines: 4, reused: false }],
    };
    r = run(r.state, [retry]);
    assert.deepEqual(tasksOf(r.emit), [2]);
    assert.equal(r.state.tasks[1]!.status, 'done');
    assert.equal(r.state.tasks[3]!.status, 'released', 'still in flight from before');
    assert.equal(r.state.retries, 1);
    const again = run(r.state, [retry]);
    assert.deepEqual(again.emit, []);
    assert.equal(again.state.retries, 1, 'a duplicate retry is a no-op');
  });

  it('retry of a job whose reduce step failed sends the reduce step again', () => {
    let r = run(newJobState('build-x', 'build-index', 1, now), [{ type: 'submitted' }]);
    r = run(r.state, [done(0)]);
    assert.equal(r.state.phase, 'reduce');
    r = run(r.state, [{ type: 'retry', generation: 0, done: [] }]);
    assert.deepEqual(r.emit, [{ type: 'reduce', generation: 1 }]);
  });

  it('counts retried deliveries', () => {
    let r = run(newJobState('build-x', 'build-index', 2, now), [{ type: 'submitted' }]);
    r = run(r.state, [
      { type: 'task-retrying', task: 0, attempt: 1 },
      { type: 'task-retrying', task: 0, attempt: 2 },
      { type: 'task-retrying', task: 1, attempt: 1 },
      { type: 'task-retrying', task: 0, attempt: 1 },
    ]);
    assert.equal(progress(r.state).retried, 3);
  });
});
