/**
 * The AWS figures the cost model (model.ts) and the cold-start benchmark (bench/tiers) use, in
 * one place, each with its source. Prices are us-east-1 list prices (on-demand, no free tier),
 * read from the AWS pricing pages named below; throughputs are the figures the model assumes for
 * the network part of a cold start, which no local run can measure.
 */
export const PRICES = {
  /** S3 Standard storage, first 50 TB, per GB-month (aws.amazon.com/s3/pricing). */
  s3StorageGbMonth: 0.023,
  /** S3 GET requests, per 1,000 (aws.amazon.com/s3/pricing). Transfer S3 → Lambda in-region is free. */
  s3GetPer1000: 0.0004,
  /** EFS Standard storage, per GB-month (aws.amazon.com/efs/pricing). 13× S3's. */
  efsStorageGbMonth: 0.3,
  /** EFS Elastic Throughput reads, per GB read (aws.amazon.com/efs/pricing). */
  efsElasticReadGb: 0.03,
  /** Lambda arm64 duration, per GB-second (aws.amazon.com/lambda/pricing); INIT is billed too since 2025-08. */
  lambdaArmGbSecond: 0.0000133334,
  /** Lambda requests, per million (aws.amazon.com/lambda/pricing). */
  lambdaRequestsPerMillion: 0.2,
  /** Lambda ephemeral storage above the free 512 MB, per GB-second (aws.amazon.com/lambda/pricing). */
  lambdaEphemeralGbSecond: 0.0000000309,
  /** API Gateway HTTP API requests, first 300 million, per million (aws.amazon.com/api-gateway/pricing). */
  httpApiPerMillion: 1.0,
} as const;

export const LIMITS = {
  /** Lambda deployment package, unzipped, including layers (Lambda quotas page). */
  lambdaUnzippedBytes: 250 * 1024 * 1024,
  /** Lambda ephemeral storage (/tmp), maximum (Lambda quotas page). */
  lambdaEphemeralMaxMb: 10_240,
  /** Lambda ephemeral storage included in the price. */
  lambdaEphemeralFreeMb: 512,
} as const;

export const THROUGHPUT = {
  /**
   * S3 → one Lambda function, bytes per second, modelled: 75 MB/s (600 Mbit/s), the middle of the
   * 400–700 Mbit/s Tim Wagner measured for single Lambda functions reading large S3 objects
   * ("Using AWS Step Functions and Lambda for Fanout"). Also used for a bundled package's fetch,
   * which Lambda makes from S3 when it starts an execution environment.
   */
  s3ToLambdaBytesPerSecond: 75e6,
  /** First-byte latency of one S3 GET, modelled at 30 ms (S3 performance guidelines: tens of ms). */
  s3FirstByteSeconds: 0.03,
  /**
   * EFS → one client, bytes per second, modelled at 250 MB/s: well under the 1,500 MiB/s
   * per-client read limit of Elastic Throughput (EFS quotas), since a cold start reads a few files
   * sequentially. EFS reads are billed only for bytes actually read (the engine opens lazily).
   */
  efsToLambdaBytesPerSecond: 250e6,
} as const;
