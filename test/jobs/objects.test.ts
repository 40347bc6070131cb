/**
 * The results bucket's large objects (objects.ts) on the local S3 stand-in: run files and tables go
 * up byte for byte, in one PutObject or in parts. (A built index goes up from its file with the
 * store's `putFile`, as the S3 store publishes a version.)
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { getBytes, PART_BYTES, putBytes } from '../../runtime/jobs/objects.js';
import { type LocalAws, startLocalAws } from '../../runtime/local/local-aws.js';
import { makeS3Client } from '../../runtime/upload/index.js';

const resultsBucket = 'results-objects-test';

describe('jobs: putBytes', function () {
  this.timeout(60_000);
  let aws: LocalAws;
  let s3: S3Client;
  before(async () => {
    aws = await startLocalAws();
    s3 = makeS3Client({ region: aws.region, endpoint: aws.endpoint });
    await s3.send(new CreateBucketCommand({ Bucket: resultsBucket }));
  });
  after(() => aws.close());

  for (const [what, size] of [
    ['in one PutObject', 1000],
    ['in parts, the last one short', 2 * PART_BYTES + 12_345],
  ] as const) {
    it(`puts bytes ${what}`, async () => {
      const bytes = randomBytes(size);
      const ctx = { s3, resultsBucket };
      await putBytes(ctx, 'k', bytes);
      assert.ok(Buffer.from(await getBytes(ctx, 'k')).equals(bytes));
    });
  }
});
