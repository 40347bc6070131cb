/**
 * A job's identity: `jobs/<id>/request.json`, written once at submission, and the content-addressed
 * id it is stored under. The id is a hash of the canonical request (defaults filled, keys sorted,
 * the scaling policy left out: it says how fast, not what), the SHA-256 of every input, and the
 * engine's format version with the pipeline's version — so the same request over the same bytes
 * with the same engine is the same job, and anything else is a new one.
 */
import { createHash } from 'node:crypto';
import { engine } from '../engine/index.js';
import { canonicalJson } from './canonical-json.js';
import type { JobsContext } from './context.js';
import type { InputRef } from './inputs.js';
import { keys } from './keys.js';
import { getJson } from './objects.js';
import type { PolicySpec } from './policies.js';

/** Bumped when the pipeline's outputs change meaning, so old jobs are not mistaken for new ones. */
export const PIPELINE_VERSION = 1;

/** What every kind's canonical request has. */
export interface CanonicalRequest {
  kind: string;
  policy: PolicySpec;
}

export interface EngineVersion {
  formatVersion: number;
  pipeline: number;
}

/** `jobs/<id>/request.json`. */
export interface JobRecord<R extends CanonicalRequest = CanonicalRequest> {
  v: 1;
  id: string;
  kind: string;
  request: R;
  inputs: InputRef[];
  engine: EngineVersion;
  submittedAt: string;
}

export function engineVersion(): EngineVersion {
  return { formatVersion: engine().formatVersion(), pipeline: PIPELINE_VERSION };
}

export function jobId(
  prefix: string,
  request: CanonicalRequest,
  inputs: InputRef[],
  version: EngineVersion,
): string {
  const { policy: _policy, ...identity } = request;
  const hash = createHash('sha256')
    .update(
      canonicalJson({
        request: identity,
        inputs: inputs.map((i) => i.sha256),
        engine: version,
      }),
    )
    .digest('hex');
  return `${prefix}-${hash.slice(0, 24)}`;
}

/**
 * Job records never change once written: a warm function keeps the ones it has read, per S3 client
 * (one process may talk to several stacks or stand-ins, whose buckets can share a name).
 */
const caches = new WeakMap<object, Map<string, JobRecord>>();
const CACHE_LIMIT = 256;

export async function loadJob(
  ctx: Pick<JobsContext, 's3' | 'resultsBucket'>,
  id: string,
): Promise<JobRecord | undefined> {
  let cache = caches.get(ctx.s3);
  if (cache === undefined) caches.set(ctx.s3, (cache = new Map()));
  const key = `${ctx.resultsBucket}/${id}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const record = (await getJson<JobRecord>(ctx, keys.request(id)))?.value;
  if (record) {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, record);
  }
  return record;
}
