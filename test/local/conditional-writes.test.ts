/**
 * The local stand-in's conditional PutObject (fauxqs + our hook), over S3's wire protocol with the
 * real SDK: the answers S3 gives, and exactly one winner among racing creators.
 */
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type LocalAws, startLocalAws } from '../../runtime/local/local-aws.js';
import { makeS3Client } from '../../runtime/upload/index.js';

const Bucket = 'conditional-test';

async function put(
  s3: S3Client,
  Key: string,
  Body: string,
  condition: { IfNoneMatch?: string; IfMatch?: string },
) {
  try {
    const r = await s3.send(new PutObjectCommand({ Bucket, Key, Body, ...condition }));
    return { etag: r.ETag };
  } catch (err) {
    const e = err as { name: string; $metadata: { httpStatusCode: number } };
    return { error: e.name, status: e.$metadata.httpStatusCode };
  }
}

const read = async (s3: S3Client, Key: string) =>
  (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString();

describe('local AWS: conditional PutObject', () => {
  let aws: LocalAws;
  let s3: S3Client;
  before(async () => {
    aws = await startLocalAws();
    s3 = makeS3Client({ region: aws.region, endpoint: aws.endpoint });
    await s3.send(new CreateBucketCommand({ Bucket }));
  });
  after(() => aws.close());

  it('listens on 127.0.0.1 only', () => {
    assert.match(aws.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('If-None-Match: * creates once, then answers 412 PreconditionFailed and keeps the object', async () => {
    const first = await put(s3, 'a/request.json', 'one', { IfNoneMatch: '*' });
    assert.ok(first.etag);
    assert.deepEqual(await put(s3, 'a/request.json', 'two', { IfNoneMatch: '*' }), {
      error: 'PreconditionFailed',
      status: 412,
    });
    assert.equal(await read(s3, 'a/request.json'), 'one');
  });

  it('If-Match replaces only the version named, and 404s on a missing key', async () => {
    const { etag } = await put(s3, 'b/state.json', 'v1', {});
    assert.deepEqual(await put(s3, 'b/state.json', 'x', { IfMatch: '"0123"' }), {
      error: 'PreconditionFailed',
      status: 412,
    });
    const second = await put(s3, 'b/state.json', 'v2', { IfMatch: etag! });
    assert.ok(second.etag && second.etag !== etag);
    assert.equal(
      (await put(s3, 'b/state.json', 'v3', { IfMatch: etag! })).status,
      412,
      'stale ETag',
    );
    assert.equal(await read(s3, 'b/state.json'), 'v2');
    assert.equal((await put(s3, 'b/missing.json', 'x', { IfMatch: etag! })).status, 404);
  });

  it('racing creators: exactly one wins, and its body is what is stored', async () => {
    const body = (i: number) => `writer-${i}`.padEnd(200_000, '.');
    for (let round = 0; round < 5; round++) {
      const key = `race/${round}`;
      const results = await Promise.all(
        // Large bodies arrive interleaved, so the writers reach the check together.
        Array.from({ length: 24 }, (_, i) => put(s3, key, body(i), { IfNoneMatch: '*' })),
      );
      const winners = results.flatMap((r, i) => (r.etag ? [i] : []));
      assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(results)}`);
      assert.ok(results.every((r) => r.etag || r.status === 412));
      assert.equal(await read(s3, key), body(winners[0]!));
    }
  });

  it('racing replacers with the same ETag: exactly one wins', async () => {
    const { etag } = await put(s3, 'c/state.json', 'base', {});
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => put(s3, 'c/state.json', `next-${i}`, { IfMatch: etag! })),
    );
    assert.equal(results.filter((r) => r.etag).length, 1);
  });

  it('unconditional writes are untouched', async () => {
    await put(s3, 'd/x', '1', {});
    await put(s3, 'd/x', '2', {});
    assert.equal(await read(s3, 'd/x'), '2');
  });
});
