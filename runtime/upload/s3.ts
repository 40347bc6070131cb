/**
 * The S3 client `sir upload` and the loader agent share. In AWS it uses the default credential
 * chain (a profile on a laptop, the instance role on the loader); with an endpoint (fauxqs, any
 * S3-compatible server on this machine) it uses path-style URLs, and placeholder credentials when
 * none are configured, since local emulators do not check them.
 */
import { S3Client } from '@aws-sdk/client-s3';

export interface S3Target {
  region: string;
  /** A custom endpoint such as http://127.0.0.1:4566; absent in AWS. */
  endpoint?: string;
}

export function makeS3Client({ region, endpoint }: S3Target): S3Client {
  if (endpoint === undefined) return new S3Client({ region, maxAttempts: 5 });
  return new S3Client({
    region,
    maxAttempts: 5,
    forcePathStyle: true,
    ...localEndpointConfig(endpoint),
  });
}

/**
 * Client settings for a local emulator's endpoint, shared by every AWS client pointed at one (S3
 * here, SQS in the job pipeline): the endpoint, and placeholder credentials when none are set.
 */
export function localEndpointConfig(endpoint: string): {
  endpoint: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
} {
  const hasCredentials =
    process.env.AWS_ACCESS_KEY_ID !== undefined || process.env.AWS_PROFILE !== undefined;
  return {
    endpoint,
    ...(hasCredentials ? {} : { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  };
}

/** True for the errors S3 answers a HEAD/GET of an absent key with. */
export function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}
