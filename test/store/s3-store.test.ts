/**
 * The S3 store (the `s3` storage tier) on fauxqs's S3: the shared store suite, and what only an
 * object store has — a download cache that hands one copy to every user and deletes it after the
 * last, and a store under a key prefix that leaves the rest of the bucket alone.
 */
import assert from 'node:assert/strict';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { S3IndexStore, StoreError, silentLogger } from '../../runtime/store/index.js';
import { storeSuite } from './common.case.js';
import { makeBuiltIndex, makeTemp, removeTemp } from './helpers.js';
import { type LocalS3, openStore, startLocalS3 } from './store-kinds.js';

let s3: LocalS3;
before(async () => {
  s3 = await startLocalS3();
});
after(() => s3.close());

storeSuite(
  's3 (fauxqs)',
  async (tmp) => {
    const bucket = await s3.bucket();
    const prefix = 'store/';
    const spec = `s3:${s3.endpoint}|${bucket}|${prefix}`;
    const key = (id: string, file: string) => `${prefix}versions/${id}/${file}`;
    return {
      spec,
      open: (o = {}) =>
        openStore(spec, { logger: silentLogger, cacheDir: path.join(tmp, 'cache'), ...o }),
      overwrite: async (id, file, content) => {
        await s3.client.send(
          new PutObjectCommand({ Bucket: bucket, Key: key(id, file), Body: content }),
        );
      },
      read: async (id, file) => {
        const out = await s3.client.send(
          new GetObjectCommand({ Bucket: bucket, Key: key(id, file) }),
        );
        return out.Body!.transformToString();
      },
      close: async () => {},
    };
  },
  { crashIterations: Number(process.env.SIR_CRASH_ITERATIONS ?? 10) },
);

describe('store/S3IndexStore', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await makeTemp('sir-s3-');
  });
  afterEach(() => removeTemp(tmp));

  it('downloads a version once for all its users and deletes it after the last', async () => {
    const bucket = await s3.bucket();
    const store = new S3IndexStore({
      client: s3.client,
      bucket,
      cacheDir: path.join(tmp, 'cache'),
      logger: silentLogger,
    });
    const built = await makeBuiltIndex(tmp, 'built', { 'index.sir': 'one' });
    const { version } = await store.publish(built);
    const [a, b] = await Promise.all([store.checkout(version), store.checkout(version)]);
    assert.equal(a, b);
    await store.release(version);
    assert.ok(existsSync(path.join(a, 'index.sir')), 'still used by one');
    await store.release(version);
    assert.ok(!existsSync(a), 'deleted after the last user');
  });

  it('keeps to its prefix and refuses a malformed one', async () => {
    const bucket = await s3.bucket();
    await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'CURRENT', Body: 'x' }));
    const store = new S3IndexStore({
      client: s3.client,
      bucket,
      prefix: 'a/b/',
      logger: silentLogger,
    });
    const { version } = await store.publish(
      await makeBuiltIndex(tmp, 'built', { 'index.sir': 'one' }),
    );
    const keys = (await s3.client.send(new ListObjectsV2Command({ Bucket: bucket })))
      .Contents!.map((o) => o.Key)
      .sort();
    assert.deepEqual(keys, [
      'CURRENT',
      'a/b/CURRENT',
      `a/b/versions/${version}/index.sir`,
      `a/b/versions/${version}/manifest.json`,
    ]);
    for (const prefix of ['/a/', 'a', 'a//'.slice(0, 1)])
      assert.throws(
        () => new S3IndexStore({ client: s3.client, bucket, prefix }),
        (e: unknown) =>
          e instanceof StoreError && /prefix must be empty or end with/.test(e.message),
      );
  });

  it('reports a CURRENT that is not a version id', async () => {
    const bucket = await s3.bucket();
    await s3.client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'CURRENT', Body: '../etc\n' }),
    );
    const store = new S3IndexStore({ client: s3.client, bucket, logger: silentLogger });
    await assert.rejects(
      store.readCurrent(),
      /CURRENT holds "\.\.\/etc\\n", which is not a version id/,
    );
  });
});
