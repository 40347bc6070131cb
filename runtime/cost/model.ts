/**
 * The cost model of the three storage tiers, for one index: what a stack costs per month while
 * nobody searches, what one cold start costs (and how long its network part takes, modelled), and
 * what a million queries cost. `sir cost` prints it and the README's cost tables are its output.
 * Pure functions of the index size and the workload, with every AWS figure from prices.ts.
 *
 * What it leaves out, because it is the same for every tier: CloudWatch logs and metrics, the
 * staging bucket (empty between uploads), the API's own idle cost (none). What it leaves out
 * because it is paid per upload, not per month: the efs tier's loader instance while it is on.
 */
import { LIMITS, PRICES, THROUGHPUT } from './prices.js';

export const TIERS = ['bundled', 's3', 'efs'] as const;
export type Tier = (typeof TIERS)[number];

export interface Workload {
  /** Total bytes of one index version. */
  indexBytes: number;
  /** Files in one version (one GET each on an s3 cold start). Default 4. */
  indexFiles?: number;
  /** Versions kept in the store (rollback depth). Default 3. */
  versionsKept?: number;
  queriesPerMonth: number;
  coldStartsPerMonth: number;
  /** Search Lambda memory, MB. Default 1024. */
  memoryMb?: number;
  /** Billed duration of one warm query, ms. Default 5. */
  queryMs?: number;
  /** The search bundle's unzipped size (bundled: it shares the 250 MB limit). Default 6 MB. */
  bundleBytes?: number;
  /**
   * Bytes a cold start reads from an efs store: what the engine's lazy open and a first query
   * read (`sir cost --index` measures it). Default the whole index, an upper bound.
   */
  coldStartReadBytes?: number;
}

export interface TierCost {
  tier: Tier;
  /** Whether the tier can hold this index at all; `why` says what is in the way. */
  fits: boolean;
  why?: string;
  idlePerMonth: number;
  perColdStart: number;
  /** Modelled network part of a cold start, seconds. */
  coldStartNetworkSeconds: number;
  perMillionQueries: number;
  /** s3: the CURRENT checks at the workload's query rate (upper bound). */
  pollingPerMonth: number;
  /** idle + cold starts + queries + polling at the workload's rates. */
  monthly: number;
}

const GB = 1e9;
/**
 * An s3 stack reads CURRENT at most once per check interval (5 s) while an environment serves
 * requests, and never while idle: at most one GET per query, and at most a month of 5-second
 * intervals for the one warm environment a small stack has.
 */
const MAX_CURRENT_READS_PER_MONTH = (30 * 86_400) / 5;

/** The /tmp an s3 stack needs for `indexBytes`: two versions side by side during a swap, plus slack. */
export function ephemeralStorageMb(indexBytes: number): number {
  const needed = Math.ceil((2 * indexBytes) / 2 ** 20) + 64;
  return Math.min(Math.max(needed, LIMITS.lambdaEphemeralFreeMb), LIMITS.lambdaEphemeralMaxMb);
}

export function tierCost(tier: Tier, w: Workload): TierCost {
  const files = w.indexFiles ?? 4;
  const kept = w.versionsKept ?? 3;
  const memGb = (w.memoryMb ?? 1024) / 1024;
  const queryS = (w.queryMs ?? 5) / 1000;
  const bundle = w.bundleBytes ?? 6 * 2 ** 20;
  const lambdaSecond = memGb * PRICES.lambdaArmGbSecond;
  const perQuery =
    PRICES.lambdaRequestsPerMillion / 1e6 + PRICES.httpApiPerMillion / 1e6 + queryS * lambdaSecond;

  let idle = 0;
  let network = 0;
  let coldExtra = 0;
  let polling = 0;
  let fits = true;
  let why: string | undefined;
  if (tier === 'bundled') {
    network = w.indexBytes / THROUGHPUT.s3ToLambdaBytesPerSecond;
    if (w.indexBytes + bundle > LIMITS.lambdaUnzippedBytes) {
      fits = false;
      why = `index + bundle is ${mb(w.indexBytes + bundle)}, over Lambda's 250 MB unzipped limit`;
    }
  } else if (tier === 's3') {
    idle = ((kept * w.indexBytes) / GB) * PRICES.s3StorageGbMonth;
    network = THROUGHPUT.s3FirstByteSeconds + w.indexBytes / THROUGHPUT.s3ToLambdaBytesPerSecond;
    coldExtra = ((files + 2) * PRICES.s3GetPer1000) / 1000;
    const tmpMb = ephemeralStorageMb(w.indexBytes);
    // The extra /tmp is billed for every second an environment runs; bound it by the cold start's.
    coldExtra +=
      (Math.max(tmpMb - LIMITS.lambdaEphemeralFreeMb, 0) / 1024) *
      PRICES.lambdaEphemeralGbSecond *
      network;
    polling =
      (Math.min(w.queriesPerMonth, MAX_CURRENT_READS_PER_MONTH) * PRICES.s3GetPer1000) / 1000;
    if (2 * w.indexBytes > LIMITS.lambdaEphemeralMaxMb * 2 ** 20) {
      fits = false;
      why = `two versions (${mb(2 * w.indexBytes)}) do not fit Lambda's 10 GB /tmp`;
    }
  } else {
    idle = ((kept * w.indexBytes) / GB) * PRICES.efsStorageGbMonth;
    const read = w.coldStartReadBytes ?? w.indexBytes;
    network = read / THROUGHPUT.efsToLambdaBytesPerSecond;
    coldExtra = (read / GB) * PRICES.efsElasticReadGb;
  }
  const perColdStart = coldExtra + network * lambdaSecond;
  const perMillionQueries = 1e6 * perQuery;
  return {
    tier,
    fits,
    ...(why !== undefined ? { why } : {}),
    idlePerMonth: idle,
    perColdStart,
    coldStartNetworkSeconds: network,
    perMillionQueries,
    pollingPerMonth: polling,
    monthly:
      idle +
      polling +
      w.coldStartsPerMonth * perColdStart +
      (w.queriesPerMonth / 1e6) * perMillionQueries,
  };
}

export interface Recommendation {
  tier: Tier;
  reason: string;
}

/**
 * The cheapest tier that fits; among tiers within 1% of it, the one with the shorter modelled
 * cold start. `bundled` publishes a version with `pulumi up`, not `sir upload`: the
 * reason says so, so that a team that uploads often can choose `s3` for a few cents.
 */
export function recommendTier(costs: readonly TierCost[]): Recommendation {
  const fitting = costs.filter((c) => c.fits);
  const cheapest = Math.min(...fitting.map((c) => c.monthly));
  const best = fitting
    .filter((c) => c.monthly <= cheapest * 1.01)
    .sort((a, b) => a.coldStartNetworkSeconds - b.coldStartNetworkSeconds)[0]!;
  const s3 = costs.find((c) => c.tier === 's3')!;
  const reason =
    best.tier === 'bundled'
      ? `no storage to pay for: the index ships with the code; a new version is a sir upload --stack (s3 costs $${s3.monthly.toFixed(2)}/month here and publishes with sir upload)`
      : best.tier === 's3'
        ? `cheapest that fits at this size: S3 storage at $${PRICES.s3StorageGbMonth}/GB-month, no VPC, no loader; sir upload publishes`
        : 'the only tier that fits, or the cheapest at this workload';
  return { tier: best.tier, reason };
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
}
