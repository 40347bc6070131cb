/**
 * Putting one local file into S3, checked: a small file in one PUT, a large one multipart in
 * parts read straight from the file, every request carrying the SHA-256 of its bytes for S3 to
 * check and the object carrying the whole file's SHA-256 in its metadata (`sha256`). The file must
 * still be what the caller hashed: if its size or SHA-256 changed meanwhile the object is not
 * completed and `source-changed` is thrown. Shared by the S3 store's publish and `sir upload`'s
 * staging.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  type CompletedPart,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { StoreError } from './store-error.js';

/** S3's minimum part size (except the last part). */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

export const sha256Base64 = (data: Uint8Array) =>
  createHash('sha256').update(data).digest('base64');

/** A local file and what it was hashed to. */
export interface CheckedFile {
  local: string;
  bytes: number;
  /** Lower-case hex SHA-256. */
  sha256: string;
}

export async function putFile(
  client: S3Client,
  bucket: string,
  key: string,
  file: CheckedFile,
  {
    partBytes = DEFAULT_PART_BYTES,
    sent = () => {},
  }: { partBytes?: number; sent?: (bytes: number) => void } = {},
): Promise<void> {
  if (file.bytes <= partBytes) await putSmall(client, bucket, key, file, sent);
  else await putMultipart(client, bucket, key, file, partBytes, sent);
}

function changed(file: CheckedFile): StoreError {
  return new StoreError(
    'source-changed',
    `${file.local} changed while it was being uploaded (its SHA-256 no longer matches the manifest)`,
  );
}

async function putSmall(
  client: S3Client,
  bucket: string,
  key: string,
  file: CheckedFile,
  sent: (n: number) => void,
): Promise<void> {
  const body = await readFile(file.local);
  const sha256 = createHash('sha256').update(body).digest('hex');
  if (body.length !== file.bytes || sha256 !== file.sha256) throw changed(file);
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ChecksumSHA256: sha256Base64(body),
      Metadata: { sha256 },
    }),
  );
  sent(body.length);
}

async function putMultipart(
  client: S3Client,
  bucket: string,
  key: string,
  file: CheckedFile,
  partBytes: number,
  sent: (n: number) => void,
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
      sent(bytesRead);
    }
    // The metadata promised file.sha256: complete only if that is what was sent.
    if (whole.digest('hex') !== file.sha256) throw changed(file);
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
