/**
 * The local stand-in for the AWS services of the job pipeline: fauxqs (SQS and S3 over their real
 * wire protocols) in this process, on 127.0.0.1 only, with conditional PutObject added
 * (conditional-writes.ts). The job code reaches it through the same `@aws-sdk` clients it uses in
 * AWS, pointed at `endpoint`.
 */
import type { AddressInfo } from 'node:net';
import { buildApp } from 'fauxqs';
import { addConditionalWrites } from './conditional-writes.js';

/** The region every local resource lives in (fauxqs puts it in queue URLs and ARNs). */
export const LOCAL_REGION = 'us-east-1';

export interface LocalAws {
  /** `http://127.0.0.1:PORT`: the endpoint for S3 and SQS clients. */
  endpoint: string;
  region: string;
  close(): Promise<void>;
}

export async function startLocalAws({ port = 0 }: { port?: number } = {}): Promise<LocalAws> {
  const app = buildApp({ logger: false, defaultRegion: LOCAL_REGION });
  addConditionalWrites(app);
  await app.listen({ host: '127.0.0.1', port });
  const address = app.server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    region: LOCAL_REGION,
    close: () => app.close(),
  };
}
