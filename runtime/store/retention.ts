/**
 * Which versions to delete when the store holds more than it should keep. A pure function, so the
 * policy is tested on its own and the store only carries it out.
 *
 * Policy: keep the `keep` newest versions (by `createdAt`, then id), plus — whatever their age — the
 * live version and the rollback target. Versions whose manifest cannot be read are never chosen
 * (they are reported by `list()` instead): the store does not delete what it cannot understand.
 */
import { compareCodeUnits } from './durable-fs.js';
import { StoreError } from './store-error.js';

/**
 * Versions kept by default, counting the live one: the live version and two to roll back to. The
 * one default of every layer — `sir publish --keep`, the loader agent, the stack's
 * `versionsToKeep` (infra/config.ts and Pulumi.yaml) — so a local store and an EFS store prune
 * alike; on EFS each kept version is billed per GB-month.
 */
export const DEFAULT_KEEP = 3;

export interface RetentionCandidate {
  version: string;
  createdAt: string;
}

export function versionsToPrune(
  versions: readonly RetentionCandidate[],
  { keep, protect }: { keep: number; protect: ReadonlySet<string> },
): string[] {
  const newestFirst = [...versions].sort(
    (a, b) => compareCodeUnits(b.createdAt, a.createdAt) || compareCodeUnits(b.version, a.version),
  );
  return newestFirst
    .slice(Math.max(keep, 0))
    .filter((v) => !protect.has(v.version))
    .map((v) => v.version);
}

/** Refuses a `keep` below 1 (the live version counts) with a sentence. */
export function assertKeep(keep: number): void {
  if (!Number.isInteger(keep) || keep < 1) {
    throw new StoreError(
      'invalid-option',
      `keep must be an integer of at least 1 (the live version counts), got ${keep}`,
    );
  }
}
