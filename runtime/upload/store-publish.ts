/**
 * Publishing straight into a stack's store, with no loader and no SSM: what `sir upload` and
 * `sir rollback --stack` do on an `s3` stack, whose store is the bucket itself. The version id is
 * the staged version's content id, as through the loader, so the same upload run twice finds its
 * version already there and only makes it live; a corpus is indexed here first, with the analyzer
 * options it was prepared with.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildIndex } from '../engine/index.js';
import type { VersionStore } from '../store/index.js';
import type { AgentResult } from './agent-result.js';
import type { StagedBuildOptions, StagedUpload } from './staged-version.js';

/** Makes `upload` live in `store`; a corpus upload is built with `build` first. */
export async function publishToStore(
  store: VersionStore,
  upload: StagedUpload,
  { keep, build, log }: { keep: number; build?: StagedBuildOptions; log: (line: string) => void },
): Promise<AgentResult> {
  const { version } = upload;
  if (await store.has(version)) {
    log(`version ${version} is already in ${store.location}; verifying it and making it live`);
    const activated = await store.activate(version);
    return {
      result: activated.changed ? 'activated' : 'already-live',
      version,
      previous: activated.changed ? (activated.previous ?? null) : null,
      pruned: [],
    };
  }
  let scratch: string | undefined;
  try {
    let dir: string;
    if (upload.kind === 'corpus') {
      scratch = await mkdtemp(path.join(os.tmpdir(), 'sir-upload-'));
      dir = path.join(scratch, 'index');
      log(`indexing ${upload.files[0]!.local} here before publishing`);
      buildIndex(upload.files[0]!.local, dir, build ?? {});
    } else dir = upload.manifest.source!.index!;
    const r = await store.publish(dir, {
      keep,
      version,
      ...(upload.manifest.source !== undefined ? { source: upload.manifest.source } : {}),
    });
    return { result: 'published', version, previous: r.previous ?? null, pruned: r.pruned };
  } finally {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  }
}
