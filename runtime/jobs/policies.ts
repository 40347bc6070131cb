/**
 * Scaling policies: how many of a job's pending tasks the coordinator releases to the task queue
 * now. Each is a pure function of the job's progress and, where it needs them, the task queue's
 * metrics; the coordinator calls it after every batch of events of the job.
 *
 * The event-source mapping's `MaximumConcurrency` caps workers across all jobs (AWS's minimum is
 * 2). A policy shapes one job inside that cap by what it releases: `AlwaysOne` keeps at most one
 * of its tasks in the queue or running, so the job uses one worker even though the mapping could
 * run two.
 *
 * - `AlwaysOne`: one task at a time (the cheapest, slowest; what the design document calls it).
 * - `StaticProportional(m)`: one worker per `m` tasks — at most ⌈total / m⌉ in flight.
 *   `m = 1` releases everything at once.
 * - `QueueDepth(backlog)`: release while the shared task queue holds fewer than `backlog` waiting
 *   messages, so one large job does not stack the queue ahead of jobs submitted after it; a job
 *   with nothing in flight always gets one task, so it never stalls behind the others.
 */
export type PolicySpec =
  | { name: 'AlwaysOne' }
  | { name: 'StaticProportional'; m: number }
  | { name: 'QueueDepth'; backlog: number };

export const POLICY_NAMES = ['AlwaysOne', 'StaticProportional', 'QueueDepth'] as const;

/** What a job has in each state, as the coordinator sees it. */
export interface JobProgress {
  total: number;
  pending: number;
  /** Released and not yet done or failed. */
  inFlight: number;
}

/** The shared task queue, from `GetQueueAttributes`. */
export interface QueueMetrics {
  /** `ApproximateNumberOfMessages`: waiting to be received. */
  waiting: number;
  /** `ApproximateNumberOfMessagesNotVisible`: received, being worked on. */
  inFlight: number;
}

export const DEFAULT_POLICY: PolicySpec = { name: 'StaticProportional', m: 1 };

/** Whether the policy reads queue metrics (the coordinator asks SQS only then). */
export function needsQueueMetrics(policy: PolicySpec): boolean {
  return policy.name === 'QueueDepth';
}

export function tasksToRelease(policy: PolicySpec, job: JobProgress, queue?: QueueMetrics): number {
  if (job.pending <= 0) return 0;
  let n: number;
  switch (policy.name) {
    case 'AlwaysOne':
      n = job.inFlight === 0 ? 1 : 0;
      break;
    case 'StaticProportional':
      n = Math.ceil(job.total / policy.m) - job.inFlight;
      break;
    case 'QueueDepth': {
      if (queue === undefined) throw new Error('QueueDepth needs the task queue metrics');
      n = Math.max(policy.backlog - queue.waiting, job.inFlight === 0 ? 1 : 0);
      break;
    }
  }
  return Math.max(0, Math.min(n, job.pending));
}

/** `AlwaysOne`, `StaticProportional:4`, `QueueDepth:20` — the CLI's spelling. */
export function describePolicy(policy: PolicySpec): string {
  switch (policy.name) {
    case 'AlwaysOne':
      return 'AlwaysOne';
    case 'StaticProportional':
      return `StaticProportional:${policy.m}`;
    case 'QueueDepth':
      return `QueueDepth:${policy.backlog}`;
  }
}
