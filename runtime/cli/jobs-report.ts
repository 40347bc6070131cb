/**
 * How `sir jobs` shows a job: a few aligned lines (or its JSON), and a live progress bar of its
 * tasks while it runs (`--watch`).
 */
import { BUILD_INDEX, type JobsApi, type JobStatusView } from '../jobs/index.js';
import type { CliIO } from './command.js';
import { formatBytes, ProgressBar } from './progress.js';

const n = (x: number) => x.toLocaleString('en');

export function describeJob(job: JobStatusView): string {
  const lines = [
    `job ${job.id}  ${job.status}  (${job.kind}, ${n(job.tasks.total)} task(s), ${job.seconds.toFixed(1)} s)`,
  ];
  for (const input of job.inputs)
    lines.push(
      `  input    ${input.url} (${formatBytes(input.bytes)}, sha256 ${input.sha256.slice(0, 12)}…)`,
    );
  const t = job.tasks;
  lines.push(
    `  tasks    ${n(t.done)} done, ${n(t.running)} running, ${n(t.pending)} pending, ${n(t.failed)} failed, ${n(t.retried)} retried, ${n(t.reused)} reused`,
  );
  if (job.queue)
    lines.push(
      `  queue    ${n(job.queue.waiting)} waiting, ${n(job.queue.inFlight)} in flight (all jobs), ${n(job.queue.deadLetters)} dead letter(s)`,
    );
  const r = job.result as {
    docs?: number;
    indexBytes?: number;
    reusedChunks?: number;
    skipped?: { count: number };
    published?: { version: string; previous?: string; alreadyLive?: boolean };
    output?: { index: string };
  } | null;
  // An evaluation's result is its table, printed after these lines by `sir jobs`.
  if (r && job.kind === BUILD_INDEX) {
    const where = r.published
      ? `published as version ${r.published.version}${r.published.previous ? ` (was ${r.published.previous})` : ''}`
      : r.output
        ? `kept at ${r.output.index}`
        : '';
    lines.push(
      `  result   ${n(r.docs ?? 0)} documents, index ${formatBytes(r.indexBytes ?? 0)}${where ? `, ${where}` : ''}` +
        (r.skipped?.count ? `; ${n(r.skipped.count)} malformed line(s) skipped` : ''),
    );
  }
  if (job.error) {
    const at = job.error.line !== null ? ` (corpus line ${n(job.error.line)})` : '';
    lines.push(
      `  error    ${job.error.task !== null ? `task ${job.error.task}: ` : ''}${job.error.message}${at}`,
    );
    lines.push(
      job.error.permanent
        ? '  next     fix the input and run `sir jobs retry` (a file fixed in place becomes a new job) or submit it again'
        : `  next     sir jobs retry ${job.id}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const terminal = (job: JobStatusView) => job.status === 'succeeded' || job.status === 'failed';

/**
 * Polls the job until it ends, drawing its tasks as a progress bar on stderr. `started` (optional)
 * says when a retried job counts as running again: until its `retries` passes that number, an old
 * `failed` is not the end.
 */
export async function watchJob(
  api: JobsApi,
  id: string,
  io: CliIO,
  { intervalMs = 1000, retriesAbove }: { intervalMs?: number; retriesAbove?: number } = {},
): Promise<JobStatusView> {
  const bar = new ProgressBar(io.stderr, 'tasks');
  for (;;) {
    const job = await api.get(id);
    const t = job.tasks;
    const stale =
      retriesAbove !== undefined && job.retries <= retriesAbove && job.status === 'failed';
    if (!stale) {
      bar.update(
        t.done,
        t.total,
        `${n(t.done)}/${n(t.total)} tasks, ${n(t.running)} running${t.retried ? `, ${n(t.retried)} retried` : ''}${job.phase === 'reduce' ? ', reducing' : ''}`,
      );
      if (terminal(job)) {
        bar.done(`job ${job.id} ${job.status} in ${job.seconds.toFixed(1)} s`);
        return job;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
