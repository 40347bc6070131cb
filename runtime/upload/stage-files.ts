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
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  DEFAULT_PART_BYTES,
  MIN_PART_BYTES,
  StoreError,
  putFile,
  sha256Base64,
} from '../store/index.js';
import { MANIFEST_FILE, type StagedFile, type StagedUpload, stagedKey } from './staged-version.js';
import { isNotFound } from './s3.js';
import { errorMessage } from '../log/logger.js';
import { UploadError } from './upload-error.js';

export { DEFAULT_PART_BYTES, MIN_PART_BYTES };

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
      await putFile(client, bucket, key, file, { partBytes, sent: (n) => sent(file.path, n) });
    } catch (err) {
      if (err instanceof StoreError && err.code === 'source-changed')
        throw changedWhileUploading(file);
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

function changedWhileUploading(file: { local: string }): UploadError {
  return new UploadError(
    'staging-failed',
    `${file.local} changed while it was being uploaded (its SHA-256 no longer matches the manifest); let the index build finish, then run sir upload again`,
  );
}
