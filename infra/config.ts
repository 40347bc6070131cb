/**
 * Stack configuration: every key, its default, and the checks that make a bad stack fail before
 * anything is created. Plain functions, no resources: `parseConfig` is unit tested on its own and
 * `loadConfig` only reads `pulumi.Config` and hands the strings to it.
 *
 * Pulumi stores every config value as a string (booleans as "true", arrays as JSON), so parsing
 * happens here, once, with errors that name the key.
 */
import * as pulumi from '@pulumi/pulumi';
import { INDEX_STORAGE_KINDS, type IndexStorage } from '../runtime/lambda/index-env.js';
import { DEFAULT_TIMEOUTS } from '../runtime/jobs/queues.js';
import { DEFAULT_KEEP } from '../runtime/store/retention.js';

export type EfsThroughputMode = 'elastic' | 'bursting' | 'provisioned';

/** Validated, typed configuration of one stack. Keys match `Pulumi.yaml` (namespace `serverless-ir`). */
export interface StackConfig {
  /** AWS region every resource goes to. Default `us-east-1`. */
  region: string;
  /**
   * The storage tier of the index. Default `efs`: any index size fits (no /tmp copy per cold
   * start), and a default must not change under existing stacks (a new default would replace
   * their store on the next `pulumi up`). `s3` (no VPC, EFS or loader; `sir upload` and build
   * jobs publish into the bucket; up to `indexMaxMb`) costs less for a small index; `bundled`
   * (`indexPath` inside the function, up to Lambda's 250 MB unzipped) runs without the job
   * pipeline. README "Storage tiers" compares them.
   */
  indexStorage: IndexStorage;
  /** `bundled` only: the built index folder shipped with the function. Default '' (none). */
  indexPath: string;
  /** `s3` only: the largest index version the stack will serve, MB; sizes /tmp (two versions). Default 1024. */
  indexMaxMb: number;
  /** Availability zones (one private subnet and one EFS mount target each), 2–6. Default 2. */
  azCount: number;
  /** Search Lambda memory in MB, 128–10240. Default 1024 (more memory = more CPU for scoring). */
  lambdaMemoryMb: number;
  /** Search Lambda timeout in seconds, 1–30: the HTTP API cuts integrations at 30 s. Default 10. */
  lambdaTimeoutSeconds: number;
  /** Reserved concurrency of the search Lambda; -1 = unreserved (new accounts cannot reserve). Default -1. */
  reservedConcurrency: number;
  /** Steady-state request rate the API stage allows (requests/second, integer ≥ 1). Default 50. */
  apiThrottlingRateLimit: number;
  /** Burst the API stage allows (requests, ≥ 1). Default 100. */
  apiThrottlingBurstLimit: number;
  /** Origins allowed by CORS; `["*"]` = any. Default `["*"]`. */
  corsOrigins: string[];
  /** Where the index store is mounted inside the Lambda and the loader; `/mnt/<name>`. Default `/mnt/index`. */
  indexMountPath: string;
  /** Whether the loader instance (and its SSM endpoints) exist. Default false: they cost money while on. */
  loaderEnabled: boolean;
  /**
   * Loader instance type; its architecture (asked of EC2) picks the Amazon Linux 2023 AMI. Default
   * `t4g.small` (2 GiB): the README's loader sizing says what corpus each size can index.
   */
  loaderInstanceType: string;
  /** Retention of every log group, in days; one of CloudWatch's allowed values. Default 14. */
  logRetentionDays: number;
  /** EFS throughput mode. Default `elastic` (pay per GB read, nothing when idle). */
  efsThroughputMode: EfsThroughputMode;
  /** Provisioned throughput in MiB/s; required with `provisioned`, forbidden otherwise. Default 0. */
  efsProvisionedThroughputMibps: number;
  /** Whether callers must sign requests with IAM (SigV4) to reach the API. Default false (public). */
  apiKeyRequired: boolean;
  /** Whether AWS Backup's daily EFS backups are on. Default false (backups cost per GB-month). */
  efsBackups: boolean;
  /** Index versions the loader keeps on EFS after a publish (rollback depth), 1–50. Default: the store's `DEFAULT_KEEP`. */
  versionsToKeep: number;
  /** Days after which abandoned staged uploads are deleted from the staging bucket, 1–365. Default 7. */
  stagingExpirationDays: number;
  /** Whether the job pipeline (queues, its four functions, the results bucket) exists. Default true. */
  jobsEnabled: boolean;
  /**
   * Map workers running at once, across all jobs: the task queue mapping's `MaximumConcurrency`,
   * 2–1000 (AWS's minimum is 2; a job's scaling policy shapes what it uses within it). Default 10.
   */
  jobsMaxWorkers: number;
  /** Memory of a map worker in MB, 512–10240 (≥ 1769 is one full vCPU). Default 2048. */
  jobsWorkerMemoryMb: number;
  /**
   * A map worker's /tmp (ephemeral storage) in MB, 512–10240: an evaluation's worker reads the
   * whole index there, so it bounds the index an evaluation may read (a larger one is refused at
   * submission). Above 512 MB Lambda bills it per GB-second. Default 2048.
   */
  jobsWorkerTmpMb: number;
  /** Timeout of a map worker in seconds, 30–900; the task queue's visibility is 6× this. Default 300. */
  jobsWorkerTimeoutSeconds: number;
  /** Memory of the reduce function in MB, 512–10240: it merges every segment of a build. Default 4096. */
  jobsReduceMemoryMb: number;
  /** Days after which jobs' requests, states, outputs and results are deleted, 1–3650. Default 30. */
  jobsResultsExpirationDays: number;
  /** E-mail address the dead-letter alarms notify (an encrypted SNS topic); '' for none. Default ''. */
  jobsAlarmEmail: string;
}

/** Every default in one place. `Pulumi.yaml` repeats them for the CLI; a test keeps the two equal. */
export const DEFAULTS: Readonly<StackConfig> = Object.freeze({
  region: 'us-east-1',
  indexStorage: 'efs',
  indexPath: '',
  indexMaxMb: 1024,
  azCount: 2,
  lambdaMemoryMb: 1024,
  lambdaTimeoutSeconds: 10,
  reservedConcurrency: -1,
  apiThrottlingRateLimit: 50,
  apiThrottlingBurstLimit: 100,
  corsOrigins: ['*'],
  indexMountPath: '/mnt/index',
  loaderEnabled: false,
  loaderInstanceType: 't4g.small',
  logRetentionDays: 14,
  efsThroughputMode: 'elastic',
  efsProvisionedThroughputMibps: 0,
  apiKeyRequired: false,
  efsBackups: false,
  versionsToKeep: DEFAULT_KEEP,
  stagingExpirationDays: 7,
  jobsEnabled: true,
  jobsMaxWorkers: 10,
  jobsWorkerMemoryMb: 2048,
  jobsWorkerTmpMb: 2048,
  jobsWorkerTimeoutSeconds: DEFAULT_TIMEOUTS.worker,
  jobsReduceMemoryMb: 4096,
  jobsResultsExpirationDays: 30,
  jobsAlarmEmail: '',
});

export type ConfigKey = keyof StackConfig;
export const CONFIG_KEYS = Object.keys(DEFAULTS) as ConfigKey[];

/** Keys that configure EFS, its VPC and the loader: only an `efs` stack may change them. */
export const EFS_ONLY_KEYS: readonly ConfigKey[] = [
  'azCount',
  'indexMountPath',
  'loaderEnabled',
  'loaderInstanceType',
  'efsThroughputMode',
  'efsProvisionedThroughputMibps',
  'efsBackups',
];

/** A key's default as Pulumi hands values over (a string). */
function rawDefault(key: ConfigKey): string {
  const v = DEFAULTS[key];
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Lambda requires `/mnt/` followed by one path segment of these characters. */
export const MOUNT_PATH_PATTERN = /^\/mnt\/[A-Za-z0-9._-]+$/;

/** The only values CloudWatch Logs accepts for `retentionInDays`. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

const PREFIX = 'serverless-ir config';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function fail(message: string): never {
  throw new ConfigError(`${PREFIX}: ${message}`);
}

function integer(key: ConfigKey, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(`${key} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function boolean(key: ConfigKey, raw: string): boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return fail(`${key} must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(key: ConfigKey, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw))
    fail(`${key} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

function stringList(key: ConfigKey, raw: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return fail(`${key} must be a JSON array of strings, got "${raw}"`);
  }
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
    fail(`${key} must be a JSON array of strings, got "${raw}"`);
  }
  return parsed as string[];
}

/** Raw strings as Pulumi hands them over, keyed by the short key; absent keys take their default. */
export type RawConfig = Partial<Record<ConfigKey, string>> & { awsRegion?: string };

/**
 * Turns raw config strings into a validated `StackConfig`, or throws a `ConfigError` whose message
 * names the key (or the conflicting keys) and what was wrong.
 */
export function parseConfig(raw: RawConfig): StackConfig {
  const unknown = Object.keys(raw).filter(
    (key) => key !== 'awsRegion' && !CONFIG_KEYS.includes(key as ConfigKey),
  );
  if (unknown.length > 0)
    fail(`unknown key(s) ${unknown.join(', ')}; known keys are ${CONFIG_KEYS.join(', ')}`);
  const get = (key: ConfigKey): string | undefined => raw[key];
  const cfg: StackConfig = { ...DEFAULTS, corsOrigins: [...DEFAULTS.corsOrigins] };

  const region = get('region');
  if (region !== undefined) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
      fail(`region must look like us-east-1, got "${region}"`);
    cfg.region = region;
  }
  const storage = get('indexStorage');
  if (storage !== undefined) cfg.indexStorage = oneOf('indexStorage', storage, INDEX_STORAGE_KINDS);
  const indexPath = get('indexPath');
  if (indexPath !== undefined) cfg.indexPath = indexPath;
  if (cfg.indexStorage === 'bundled' && cfg.indexPath === '')
    fail(
      'indexStorage is bundled but indexPath is not set; set indexPath to a built index folder (sir index --out DIR) to ship with the function',
    );
  if (cfg.indexStorage !== 'bundled' && cfg.indexPath !== '')
    fail(
      `indexPath ships an index inside the function, which only indexStorage bundled does; on ${cfg.indexStorage} publish with sir upload and remove indexPath`,
    );
  const maxMb = get('indexMaxMb');
  if (maxMb !== undefined) cfg.indexMaxMb = integer('indexMaxMb', maxMb, 1, 5000);
  // Keys that configure EFS, its VPC or the loader mean nothing on the other tiers: refuse a
  // value other than the default rather than ignore it.
  if (cfg.indexStorage !== 'efs') {
    const efsOnly = EFS_ONLY_KEYS.filter((k) => {
      const v = get(k);
      return v !== undefined && v !== rawDefault(k);
    });
    if (efsOnly.length > 0)
      fail(
        `${efsOnly.join(', ')} ${efsOnly.length === 1 ? 'applies' : 'apply'} to indexStorage efs only (EFS, its VPC and the loader); this stack is ${cfg.indexStorage}: remove ${efsOnly.length === 1 ? 'it' : 'them'} or set indexStorage efs`,
      );
  }
  if (cfg.indexStorage !== 's3' && maxMb !== undefined && cfg.indexMaxMb !== DEFAULTS.indexMaxMb)
    fail(`indexMaxMb sizes the s3 tier's /tmp; this stack is ${cfg.indexStorage}: remove it`);
  const azCount = get('azCount');
  if (azCount !== undefined) cfg.azCount = integer('azCount', azCount, 2, 6);
  const memory = get('lambdaMemoryMb');
  if (memory !== undefined) cfg.lambdaMemoryMb = integer('lambdaMemoryMb', memory, 128, 10240);
  const timeout = get('lambdaTimeoutSeconds');
  if (timeout !== undefined)
    cfg.lambdaTimeoutSeconds = integer('lambdaTimeoutSeconds', timeout, 1, 30);
  const reserved = get('reservedConcurrency');
  if (reserved !== undefined) {
    cfg.reservedConcurrency = integer('reservedConcurrency', reserved, -1, 100000);
    // 0 would throttle every request: a stack that deploys but never answers.
    if (cfg.reservedConcurrency === 0)
      fail('reservedConcurrency 0 would reject every request; use -1 (unreserved) or at least 1');
  }
  const rate = get('apiThrottlingRateLimit');
  if (rate !== undefined)
    cfg.apiThrottlingRateLimit = integer('apiThrottlingRateLimit', rate, 1, 1_000_000);
  const burst = get('apiThrottlingBurstLimit');
  if (burst !== undefined)
    cfg.apiThrottlingBurstLimit = integer('apiThrottlingBurstLimit', burst, 1, 1_000_000);
  const cors = get('corsOrigins');
  if (cors !== undefined) cfg.corsOrigins = stringList('corsOrigins', cors);
  for (const origin of cfg.corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      fail(
        `corsOrigins entries must be "*" or a scheme and host like https://example.org (no path), got "${origin}"`,
      );
    }
  }
  const mountPath = get('indexMountPath');
  if (mountPath !== undefined) cfg.indexMountPath = mountPath;
  if (!MOUNT_PATH_PATTERN.test(cfg.indexMountPath)) {
    fail(
      `indexMountPath must match ${MOUNT_PATH_PATTERN.source} (Lambda mounts EFS only under /mnt/<name>), got "${cfg.indexMountPath}"`,
    );
  }
  const loader = get('loaderEnabled');
  if (loader !== undefined) cfg.loaderEnabled = boolean('loaderEnabled', loader);
  const instanceType = get('loaderInstanceType');
  if (instanceType !== undefined) {
    if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(instanceType))
      fail(`loaderInstanceType must look like t4g.small, got "${instanceType}"`);
    cfg.loaderInstanceType = instanceType;
  }
  const retention = get('logRetentionDays');
  if (retention !== undefined) {
    const days = Number(retention);
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
      fail(`logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')}, got "${retention}"`);
    }
    cfg.logRetentionDays = days;
  }
  const mode = get('efsThroughputMode');
  if (mode !== undefined)
    cfg.efsThroughputMode = oneOf('efsThroughputMode', mode, [
      'elastic',
      'bursting',
      'provisioned',
    ] as const);
  const provisioned = get('efsProvisionedThroughputMibps');
  if (provisioned !== undefined)
    cfg.efsProvisionedThroughputMibps = integer(
      'efsProvisionedThroughputMibps',
      provisioned,
      0,
      10240,
    );
  if (cfg.efsThroughputMode === 'provisioned' && cfg.efsProvisionedThroughputMibps === 0) {
    fail(
      'efsThroughputMode is provisioned but efsProvisionedThroughputMibps is 0; set efsProvisionedThroughputMibps to at least 1',
    );
  }
  if (cfg.efsThroughputMode !== 'provisioned' && cfg.efsProvisionedThroughputMibps !== 0) {
    fail(
      `efsProvisionedThroughputMibps is set but efsThroughputMode is ${cfg.efsThroughputMode}; set efsThroughputMode to provisioned or remove efsProvisionedThroughputMibps`,
    );
  }
  const apiKey = get('apiKeyRequired');
  if (apiKey !== undefined) cfg.apiKeyRequired = boolean('apiKeyRequired', apiKey);
  const backups = get('efsBackups');
  if (backups !== undefined) cfg.efsBackups = boolean('efsBackups', backups);
  const keep = get('versionsToKeep');
  if (keep !== undefined) cfg.versionsToKeep = integer('versionsToKeep', keep, 1, 50);
  const expiration = get('stagingExpirationDays');
  if (expiration !== undefined)
    cfg.stagingExpirationDays = integer('stagingExpirationDays', expiration, 1, 365);

  const jobs = get('jobsEnabled');
  if (jobs !== undefined) cfg.jobsEnabled = boolean('jobsEnabled', jobs);
  // A bundled index is the function's artifact: no job can publish into it (see README, Jobs).
  if (cfg.jobsEnabled && cfg.indexStorage === 'bundled')
    fail(
      `jobsEnabled is true${jobs === undefined ? ' (the default)' : ''} but indexStorage is bundled: the index ships inside the search function, where no build job can publish and no evaluation can read it; set jobsEnabled false (build with sir index, publish with sir upload --stack), or use indexStorage s3 or efs for jobs`,
    );
  const workers = get('jobsMaxWorkers');
  if (workers !== undefined) cfg.jobsMaxWorkers = integer('jobsMaxWorkers', workers, 2, 1000);
  const workerMemory = get('jobsWorkerMemoryMb');
  if (workerMemory !== undefined)
    cfg.jobsWorkerMemoryMb = integer('jobsWorkerMemoryMb', workerMemory, 512, 10240);
  const workerTmp = get('jobsWorkerTmpMb');
  if (workerTmp !== undefined)
    cfg.jobsWorkerTmpMb = integer('jobsWorkerTmpMb', workerTmp, 512, 10240);
  const workerTimeout = get('jobsWorkerTimeoutSeconds');
  if (workerTimeout !== undefined)
    cfg.jobsWorkerTimeoutSeconds = integer('jobsWorkerTimeoutSeconds', workerTimeout, 30, 900);
  const reduceMemory = get('jobsReduceMemoryMb');
  if (reduceMemory !== undefined)
    cfg.jobsReduceMemoryMb = integer('jobsReduceMemoryMb', reduceMemory, 512, 10240);
  const results = get('jobsResultsExpirationDays');
  if (results !== undefined)
    cfg.jobsResultsExpirationDays = integer('jobsResultsExpirationDays', results, 1, 3650);
  const email = get('jobsAlarmEmail');
  if (email !== undefined && email !== '') {
    if (!cfg.jobsEnabled)
      fail('jobsAlarmEmail notifies of failed jobs, and jobsEnabled is false: remove it');
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
      fail(`jobsAlarmEmail must be an e-mail address like you@example.org, got "${email}"`);
    cfg.jobsAlarmEmail = email;
  }

  // One region per stack: the explicit provider follows serverless-ir:region, so a different
  // aws:region would silently be ignored. Refuse instead.
  if (raw.awsRegion !== undefined && raw.awsRegion !== cfg.region) {
    fail(
      `aws:region is ${raw.awsRegion} but serverless-ir:region is ${cfg.region}; set only serverless-ir:region (or make them equal)`,
    );
  }
  return cfg;
}

/**
 * The AMI architecture for an instance type, from the architectures EC2 says it supports
 * (`ec2:DescribeInstanceTypes`): Graviton types (t4g, a1, m7g…) list `arm64`, Intel and AMD types
 * `x86_64` (and `i386`). Mac types run no Amazon Linux and are refused with a sentence.
 */
export function amiArchitecture(instanceType: string, supported: string[]): 'arm64' | 'x86_64' {
  if (supported.includes('arm64')) return 'arm64';
  if (supported.includes('x86_64')) return 'x86_64';
  return fail(
    `loaderInstanceType ${instanceType} supports ${supported.join(', ') || 'no architecture'}; Amazon Linux 2023 needs arm64 or x86_64 (e.g. t4g.small)`,
  );
}

/** Reads the stack's config through `pulumi.Config` and validates it. */
export function loadConfig(): StackConfig {
  const project = new pulumi.Config('serverless-ir');
  const raw: RawConfig = {};
  for (const key of CONFIG_KEYS) {
    const value = project.get(key);
    if (value !== undefined) raw[key] = value;
  }
  const awsRegion = new pulumi.Config('aws').get('region');
  if (awsRegion !== undefined) raw.awsRegion = awsRegion;
  return parseConfig(raw);
}
