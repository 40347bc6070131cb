/**
 * The two implementations of the index store, opened the same way by the shared suite
 * (common.case.ts), the crash test's child process and the hot-reload test: a spec string names
 * one — `dir:PATH` or `s3:ENDPOINT|BUCKET|PREFIX` — so a child process opens the same store as
 * its parent. S3 runs on the local stand-in (runtime/local/: fauxqs, the S3 wire protocol, in this
 * process, on 127.0.0.1, with the conditional PutObject fauxqs lacks).
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startLocalAws } from '../../runtime/local/local-aws.js';
import {
  IndexStore,
  S3IndexStore,
  type Logger,
  type VersionStore,
  type VersionValidator,
} from '../../runtime/store/index.js';

export interface OpenOptions {
  logger: Logger;
  validate?: VersionValidator;
  /** Where an S3 store downloads versions. */
  cacheDir?: string;
}

export function s3Client(endpoint: string): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Opens the store a spec names. */
export function openStore(spec: string, options: OpenOptions): VersionStore {
  const common = {
    logger: options.logger,
    ...(options.validate ? { validate: options.validate } : {}),
  };
  if (spec.startsWith('dir:')) return new IndexStore(spec.slice(4), common);
  if (spec.startsWith('s3:')) {
    const [endpoint, bucket, prefix] = spec.slice(3).split('|');
    return new S3IndexStore({
      client: s3Client(endpoint!),
      bucket: bucket!,
      prefix: prefix ?? '',
      ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
      ...common,
    });
  }
  throw new Error(`store spec must start with dir: or s3:, got ${spec}`);
}

export interface LocalS3 {
  endpoint: string;
  client: S3Client;
  /** Creates a new bucket and returns its name. */
  bucket(): Promise<string>;
  close(): Promise<void>;
}

let buckets = 0;

/** The local stand-in's S3 (fauxqs with conditional PutObject) on a free loopback port. */
export async function startLocalS3(): Promise<LocalS3> {
  const aws = await startLocalAws();
  const endpoint = aws.endpoint;
  const client = s3Client(endpoint);
  return {
    endpoint,
    client,
    async bucket() {
      const name = `store-${process.pid}-${buckets++}`;
      await client.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    close: async () => {
      client.destroy();
      await aws.close();
    },
  };
}
