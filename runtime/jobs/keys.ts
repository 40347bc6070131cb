/**
 * Where a job keeps everything, in the results bucket, under deterministic keys: a redelivered or
 * duplicated message rewrites the same object, and a job's status is what these objects say.
 *
 *     jobs/<id>/request.json          the canonical request and its inputs' hashes; created once
 *                                     (If-None-Match: *), so racing submitters agree
 *     jobs/<id>/state.json            task states and phase; written only by the coordinator
 *     jobs/<id>/tasks/<n>.json        a finished task's record (worker)
 *     jobs/<id>/tasks/<n>.error.json  a task's last error (worker)
 *     jobs/<id>/segments/<n>.sir      a build task's segment (worker)
 *     jobs/<id>/reduce/error.json     the reduce step's last error; failed.json when it gave up
 *     jobs/<id>/output/...            a built index kept in the bucket (build with publish: false)
 *     jobs/<id>/result.json           the result, created once by the reduce step
 *     recent/<inverted time>-<id>     one empty marker per job, so the newest list first
 *     cache/segments/<key>.json       which job's segment holds a chunk's index, by the chunk's content
 *     cache/index/<sha256>.sir        a version of an `efs` stack's store, copied out for the workers
 *     resolve/<request>.json          the reduce function's answer to a resolve message
 */
export const JOBS_PREFIX = 'jobs/';
export const RECENT_PREFIX = 'recent/';
export const CACHE_PREFIX = 'cache/';
export const CACHED_INDEX_PREFIX = `${CACHE_PREFIX}index/`;
export const CACHED_SEGMENTS_PREFIX = `${CACHE_PREFIX}segments/`;
export const CACHED_EVAL_PREFIX = `${CACHE_PREFIX}eval/`;
export const RESOLVE_PREFIX = 'resolve/';

const job = (id: string) => `${JOBS_PREFIX}${id}/`;

export const keys = {
  job,
  request: (id: string) => `${job(id)}request.json`,
  state: (id: string) => `${job(id)}state.json`,
  taskRecord: (id: string, task: number) => `${job(id)}tasks/${task}.json`,
  taskError: (id: string, task: number) => `${job(id)}tasks/${task}.error.json`,
  segment: (id: string, task: number) => `${job(id)}segments/${task}.sir`,
  reduceError: (id: string) => `${job(id)}reduce/error.json`,
  reduceFailed: (id: string) => `${job(id)}reduce/failed.json`,
  output: (id: string, file: string) => `${job(id)}output/${file}`,
  result: (id: string) => `${job(id)}result.json`,
  cachedSegment: (key: string) => `${CACHED_SEGMENTS_PREFIX}${key}.json`,
  cachedIndex: (sha256: string) => `${CACHED_INDEX_PREFIX}${sha256}.sir`,
  resolved: (request: string) => `${RESOLVE_PREFIX}${request}.json`,
  /** Newest first in lexical order: 13 digits of (10^13 − 1 − ms since 1970). */
  recent: (id: string, submittedAtMs: number) =>
    `${RECENT_PREFIX}${String(9_999_999_999_999 - submittedAtMs).padStart(13, '0')}-${id}`,
};

/** The job id at the end of a `recent/` key. */
export function jobIdOfRecentKey(key: string): string {
  return key.slice(RECENT_PREFIX.length + 14);
}
