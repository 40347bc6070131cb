/**
 * Uploads a staged version to the staging bucket: each file under `<prefix><version>/`, with its
 * SHA-256 checked by S3 (`ChecksumSHA256` on PutObject and on every part of a multipart upload)
 * and recorded as `x-amz-meta-sha256` (the whole file's hex digest, which multipart checksums do
 * not give), then the manifest last.
 *
 * Resumable: an object already there with the same size and `sha256` metadata is skipped, so a
 * rerun after an interruption sends only what is missing. A multipart upload that was cut off is
 * started again for that file (S3's lifecycle rule aborts the orphaned parts after a day).
 */
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  type CompletedPart,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { MANIFEST_FILE, type StagedFile, type StagedUpload, stagedKey } from './staged-version.js';
import { isNotFound } from './s3.js';
import { errorMessage } from '../log/logger.js';
import { UploadError } from './upload-error.js';

/** S3's minimum part size (except the last part). */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

export interface StageProgress {
  /** Bytes sent in this run. */
  sentBytes: number;
  /** Bytes this run has to send (files already staged and verified are not counted). */
  totalBytes: number;
  file: string;
}

export interface StageOptions {
  client: S3Client;
  bucket: string;
  prefix: string;
  upload: StagedUpload;
  /** Files larger than this go multipart, in parts of this size (>= 5 MiB). */
  partBytes?: number;
  onProgress?: (p: StageProgress) => void;
  /** Called once per file that was already staged and verified. */
  onSkip?: (file: StagedFile) => void;
}

export interface StageResult {
  uploaded: string[];
  skipped: string[];
  sentBytes: number;
  skippedBytes: number;
}

const sha256Base64 = (data: Uint8Array) => createHash('sha256').update(data).digest('base64');

/** Whether the object for `file` is already staged with the same size and SHA-256. */
async function alreadyStaged(
  client: S3Client,
  bucket: string,
  key: string,
  file: StagedFile,
): Promise<boolean> {
  try {
    const head = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }),
    );
    return head.ContentLength === file.bytes && head.Metadata?.sha256 === file.sha256;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

export async function stageUpload({
  client,
  bucket,
  prefix,
  upload,
  partBytes = DEFAULT_PART_BYTES,
  onProgress,
  onSkip,
}: StageOptions): Promise<StageResult> {
  if (!Number.isInteger(partBytes) || partBytes < MIN_PART_BYTES) {
    throw new UploadError(
      'invalid-option',
      `the part size must be an integer of at least ${MIN_PART_BYTES} bytes (S3's minimum), got ${partBytes}`,
    );
  }
  const result: StageResult = { uploaded: [], skipped: [], sentBytes: 0, skippedBytes: 0 };
  const todo: StagedFile[] = [];
  for (const file of upload.files) {
    if (await alreadyStaged(client, bucket, stagedKey(prefix, upload.version, file.path), file)) {
      result.skipped.push(file.path);
      result.skippedBytes += file.bytes;
      onSkip?.(file);
    } else todo.push(file);
  }
  const totalBytes = todo.reduce((sum, f) => sum + f.bytes, 0);
  const sent = (file: string, bytes: number) => {
    result.sentBytes += bytes;
    onProgress?.({ sentBytes: result.sentBytes, totalBytes, file });
  };
  for (const file of todo) {
    const key = stagedKey(prefix, upload.version, file.path);
    try {
      if (file.bytes <= partBytes) await putSmall(client, bucket, key, file, sent);
      else await putMultipart(client, bucket, key, file, partBytes, sent);
    } catch (err) {
      if (err instanceof UploadError) throw err;
      throw new UploadError(
        'staging-failed',
        `uploading ${file.local} to s3://${bucket}/${key} failed: ${errorMessage(err)}; run the same sir upload again to resume (finished files are skipped)`,
      );
    }
    result.uploaded.push(file.path);
  }
  const manifestBody = Buffer.from(`${JSON.stringify(upload.manifest, null, 2)}\n`);
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: stagedKey(prefix, upload.version, MANIFEST_FILE),
      Body: manifestBody,
      ContentType: 'application/json',
      ChecksumSHA256: sha256Base64(manifestBody),
      Metadata: { sha256: createHash('sha256').update(manifestBody).digest('hex') },
    }),
  );
  return result;
}

async function putSmall(
  client: S3Client,
  bucket: string,
  key: string,
  file: StagedFile,
  sent: (f: string, n: number) => void,
): Promise<void> {
  const body = await readFile(file.local);
  const sha256 = createHash('sha256').update(body).digest('hex');
  if (body.length !== file.bytes || sha256 !== file.sha256) throw changedWhileUploading(file);
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ChecksumSHA256: sha256Base64(body),
      Metadata: { sha256 },
    }),
  );
  sent(file.path, body.length);
}

async function putMultipart(
  client: S3Client,
  bucket: string,
  key: string,
  file: StagedFile,
  partBytes: number,
  sent: (f: string, n: number) => void,
): Promise<void> {
  const created = await client.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      ChecksumAlgorithm: 'SHA256',
      Metadata: { sha256: file.sha256 },
    }),
  );
  const uploadId = created.UploadId!;
  const handle = await open(file.local, 'r');
  try {
    const whole = createHash('sha256');
    const parts: CompletedPart[] = [];
    const buffer = Buffer.allocUnsafe(partBytes);
    for (let offset = 0, partNumber = 1; offset < file.bytes; offset += partBytes, partNumber++) {
      const { bytesRead } = await handle.read(
        buffer,
        0,
        Math.min(partBytes, file.bytes - offset),
        offset,
      );
      const body = buffer.subarray(0, bytesRead);
      whole.update(body);
      const checksum = sha256Base64(body);
      const part = await client.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: body,
          ChecksumSHA256: checksum,
        }),
      );
      parts.push({
        PartNumber: partNumber,
        ETag: part.ETag,
        ChecksumSHA256: part.ChecksumSHA256 ?? checksum,
      });
      sent(file.path, bytesRead);
    }
    // The metadata promised file.sha256: complete only if that is what was sent.
    if (whole.digest('hex') !== file.sha256) throw changedWhileUploading(file);
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (err) {
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      .catch(() => undefined);
    throw err;
  } finally {
    await handle.close();
  }
}

function changedWhileUploading(file: StagedFile): UploadError {
  return new UploadError(
    'staging-failed',
    `${file.local} changed while it was being uploaded (its SHA-256 no longer matches the manifest); let the index build finish, then run sir upload again`,
  );
}
