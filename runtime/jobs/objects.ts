/**
 * The results bucket as the pipeline uses it: JSON documents read with their ETag, created only if
 * absent (`If-None-Match: *`) or replaced only if unchanged (`If-Match`), and large bytes (segments,
 * run files) in multipart uploads; built indexes go up from their files with the store's `putFile`. Every function takes the bucket from the context.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  type CompletedPart,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { isNotFound } from '../upload/index.js';
import type { JobsContext } from './context.js';

/** Objects above this go up in parts of this size (S3's minimum part is 5 MiB). */
export const PART_BYTES = 8 * 1024 * 1024;

export interface Versioned<T> {
  value: T;
  etag: string;
}

export function isPreconditionFailed(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'PreconditionFailed' || e?.$metadata?.httpStatusCode === 412;
}

export async function getJson<T>(
  ctx: Pick<JobsContext, 's3' | 'resultsBucket'>,
  key: string,
): Promise<Versioned<T> | undefined> {
  try {
    const r = await ctx.s3.send(new GetObjectCommand({ Bucket: ctx.resultsBucket, Key: key }));
    return { value: JSON.parse(await r.Body!.transformToString()) as T, etag: r.ETag ?? '' };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Writes a JSON document. `ifNoneMatch`: only if the key is absent; `ifMatch`: only if its ETag
 * is still this one. Returns the new ETag, or undefined when the condition did not hold.
 */
export async function putJson(
  ctx: Pick<JobsContext, 's3' | 'resultsBucket'>,
  key: string,
  value: unknown,
  condition: { ifNoneMatch?: true; ifMatch?: string } = {},
): Promise<string | undefined> {
  try {
    const r = await ctx.s3.send(
      new PutObjectCommand({
        Bucket: ctx.resultsBucket,
        Key: key,
        Body: `${JSON.stringify(value, null, 1)}\n`,
        ContentType: 'application/json',
        ...(condition.ifNoneMatch ? { IfNoneMatch: '*' } : {}),
        ...(condition.ifMatch !== undefined ? { IfMatch: condition.ifMatch } : {}),
      }),
    );
    return r.ETag ?? '';
  } catch (err) {
    if (isPreconditionFailed(err)) return undefined;
    throw err;
  }
}

export async function exists(
  ctx: Pick<JobsContext, 's3' | 'resultsBucket'>,
  key: string,
): Promise<boolean> {
  try {
    await ctx.s3.send(new HeadObjectCommand({ Bucket: ctx.resultsBucket, Key: key }));
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

export async function getBytes(
  ctx: Pick<JobsContext, 's3' | 'resultsBucket'>,
  key: string,
): Promise<Uint8Array> {
  const r = await ctx.s3.send(new GetObjectCommand({ Bucket: ctx.resultsBucket, Key: key }));
  return r.Body!.transformToByteArray();
}

/** Puts bytes of any size: one PutObject up to `PART_BYTES`, a multipart upload above. */
export async function putBytes(
  ctx: Pick<JobsContext, 's3' | 'resultsBucket'>,
  key: string,
  body: Uint8Array,
): Promise<void> {
  const Bucket = ctx.resultsBucket;
  const size = body.length;
  if (size <= PART_BYTES) {
    await ctx.s3.send(new PutObjectCommand({ Bucket, Key: key, Body: body }));
    return;
  }
  const { UploadId } = await ctx.s3.send(new CreateMultipartUploadCommand({ Bucket, Key: key }));
  try {
    const parts: CompletedPart[] = [];
    for (let at = 0, n = 1; at < size; at += PART_BYTES, n++) {
      const uploaded = await ctx.s3.send(
        new UploadPartCommand({
          Bucket,
          Key: key,
          UploadId,
          PartNumber: n,
          Body: body.subarray(at, Math.min(at + PART_BYTES, size)),
        }),
      );
      parts.push({ PartNumber: n, ETag: uploaded.ETag });
    }
    await ctx.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (err) {
    await ctx.s3
      .send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId }))
      .catch(() => undefined);
    throw err;
  }
}

/** Copies an object within the results bucket; false when the source is gone. */
export async function copyObject(
  ctx: Pick<JobsContext, 's3' | 'resultsBucket'>,
  from: string,
  to: string,
): Promise<boolean> {
  try {
    await ctx.s3.send(
      new CopyObjectCommand({
        Bucket: ctx.resultsBucket,
        Key: to,
        CopySource: `${ctx.resultsBucket}/${from.split('/').map(encodeURIComponent).join('/')}`,
      }),
    );
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** Up to `limit` keys under `prefix`, in S3's (lexical) order. */
export async function listKeys(
  ctx: Pick<JobsContext, 's3' | 'resultsBucket'>,
  prefix: string,
  limit: number,
): Promise<string[]> {
  const r = await ctx.s3.send(
    new ListObjectsV2Command({ Bucket: ctx.resultsBucket, Prefix: prefix, MaxKeys: limit }),
  );
  return (r.Contents ?? []).map((o) => o.Key!).filter((k) => k !== undefined);
}
