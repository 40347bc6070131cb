/** Shared by the job pipeline tests: waiting for a job, opening a version. */
import { SearchIndex } from '../../runtime/engine/index.js';
import type { JobsApi, JobStatusView } from '../../runtime/jobs/index.js';
import { IndexStore } from '../../runtime/store/index.js';

/** Polls a job until it succeeds or fails (or `ms` pass). */
export async function waitForJob(
  api: JobsApi,
  id: string,
  { ms = 120_000, until }: { ms?: number; until?: (j: JobStatusView) => boolean } = {},
): Promise<JobStatusView> {
  const end = Date.now() + ms;
  for (;;) {
    const job = await api.get(id);
    if (until ? until(job) : job.status === 'succeeded' || job.status === 'failed') return job;
    if (Date.now() > end)
      throw new Error(`job ${id} still ${job.status} after ${ms} ms: ${JSON.stringify(job.tasks)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The store's live version, opened. */
export async function openLive(storeDir: string): Promise<{ version: string; index: SearchIndex }> {
  const store = new IndexStore(storeDir);
  const version = (await store.current())!;
  return { version, index: SearchIndex.open(store.versionDir(version)) };
}

/** Top-k ids and scores of each query, to compare two indexes exactly. */
export function topK(
  index: SearchIndex,
  queries: string[],
  k = 10,
): Array<Array<[string, number]>> {
  return queries.map((q) =>
    index.search(q, { size: k, plain: true }).hits.map((h) => [index.externalId(h.doc), h.score]),
  );
}
