/**
 * Job inputs: which ones a stack may read, their content hashes (part of a job's id), and reading
 * a byte range realigned to line boundaries.
 *
 * - `s3://BUCKET/KEY`: only in the buckets the stack allows (its staging bucket). The SHA-256 is
 *   S3's full-object checksum, or the `sha256` metadata `sir`'s staging writes on every object; an
 *   object with neither is refused rather than read twice. Reads pin the object's ETag
 *   (`If-Match`), so a job never mixes two versions of its corpus.
 * - `file:///PATH`: locally only, under the folders the local server allows (`fileRoots`); hashed
 *   by reading it. Reads check that its size and modification time are still the submitted ones.
 *
 * Realignment (as Lithops partitions newline-delimited objects): the byte range [start, end) owns
 * exactly the lines that *start* inside it. So every line belongs to exactly one range whatever
 * the cut, and ranges built in corpus order give the same documents in the same order as one read.
 */
import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { hashFile } from '../store/index.js';
import { isNotFound } from '../upload/index.js';
import { isPreconditionFailed } from './objects.js';
import { errorMessage } from '../log/logger.js';
import { JobError } from './job-error.js';

/** What a pipeline may read. */
export interface InputAccess {
  /** Buckets `s3://` inputs may come from. */
  buckets: string[];
  /** Folders `file://` inputs may come from; absent: `file://` is refused (AWS). */
  fileRoots?: string[];
}

export type InputLocation =
  { scheme: 'file'; path: string } | { scheme: 's3'; bucket: string; key: string };

/** An input as a job records it at submission. */
export interface InputRef {
  url: string;
  bytes: number;
  sha256: string;
  /** What a read pins: the S3 ETag, or `size:mtimeMs` of a file. */
  version: string;
}

/** A permanent input failure: running the task again cannot help. */
export class InputChangedError extends Error {
  override name = 'InputChangedError';
}

const within = (root: string, p: string) => {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** Parses and checks an input URL against what the stack may read. */
export function locateInput(url: string, access: InputAccess, field = 'corpus'): InputLocation {
  if (url.startsWith('s3://')) {
    const rest = url.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const key = slash === -1 ? '' : rest.slice(slash + 1);
    if (bucket === '' || key === '')
      throw new JobError('invalid-request', `${field}: ${url} is not s3://BUCKET/KEY`, field);
    if (!access.buckets.includes(bucket))
      throw new JobError(
        'input-refused',
        `${field}: jobs here read only objects in ${access.buckets.map((b) => `s3://${b}/`).join(' or ') || 'no bucket'}, not s3://${bucket}/; stage the corpus with \`sir jobs submit build --corpus FILE --stack NAME\``,
        field,
      );
    return { scheme: 's3', bucket, key };
  }
  if (url.startsWith('file:')) {
    if (access.fileRoots === undefined)
      throw new JobError(
        'input-refused',
        `${field}: ${url} is a local file, which a job in AWS cannot read; stage it in the stack's staging bucket with \`sir jobs submit build --corpus FILE --stack NAME\``,
        field,
      );
    let file: string;
    try {
      file = fileURLToPath(url);
    } catch (err) {
      throw new JobError(
        'invalid-request',
        `${field}: ${url} is not a file URL (${errorMessage(err)}); expected file:///absolute/path`,
        field,
      );
    }
    if (!access.fileRoots.some((root) => within(path.resolve(root), path.resolve(file))))
      throw new JobError(
        'input-refused',
        `${field}: ${file} is outside the folders this server reads job inputs from (${access.fileRoots.join(', ')}); start it with --inputs DIR to allow another`,
        field,
      );
    return { scheme: 'file', path: file };
  }
  throw new JobError(
    'invalid-request',
    `${field}: "${url}" is not an input URL; expected s3://BUCKET/KEY or (locally) file:///PATH`,
    field,
  );
}

/** Hashes (or reads the hash of) an input, as a job records it. */
export async function describeInput(
  s3: S3Client,
  url: string,
  access: InputAccess,
  field = 'corpus',
): Promise<InputRef> {
  const where = locateInput(url, access, field);
  if (where.scheme === 'file') {
    // Symlinks must not lead outside the allowed folders.
    const real = await realpath(where.path).catch((err: NodeJS.ErrnoException) => {
      throw new JobError(
        'input-unreadable',
        `${field}: cannot read ${where.path} (${err.code ?? errorMessage(err)})`,
        field,
      );
    });
    locateInput(pathToFileURL(real).href, access, field);
    const before = await stat(real);
    if (!before.isFile())
      throw new JobError('input-unreadable', `${field}: ${real} is not a file`, field);
    const { bytes, sha256 } = await hashFile(real);
    const after = await stat(real);
    if (after.size !== bytes || after.mtimeMs !== before.mtimeMs)
      throw new JobError(
        'input-unreadable',
        `${field}: ${real} changed while it was being hashed; submit again once it is complete`,
        field,
      );
    return { url, bytes, sha256, version: fileVersion(after.size, after.mtimeMs) };
  }
  let head;
  try {
    head = await s3.send(
      new HeadObjectCommand({ Bucket: where.bucket, Key: where.key, ChecksumMode: 'ENABLED' }),
    );
  } catch (err) {
    throw new JobError(
      'input-unreadable',
      isNotFound(err)
        ? `${field}: ${url} does not exist`
        : `${field}: cannot read ${url} (${errorMessage(err)})`,
      field,
    );
  }
  const full =
    head.ChecksumType === 'FULL_OBJECT' && head.ChecksumSHA256
      ? Buffer.from(head.ChecksumSHA256, 'base64').toString('hex')
      : undefined;
  const sha256 = full ?? head.Metadata?.sha256;
  if (sha256 === undefined || !/^[0-9a-f]{64}$/.test(sha256))
    throw new JobError(
      'input-unreadable',
      `${field}: ${url} carries no SHA-256 (neither a full-object checksum nor the sha256 metadata sir's staging writes), so the job cannot be identified by its content; stage it with \`sir jobs submit build --corpus FILE --stack NAME\``,
      field,
    );
  return { url, bytes: head.ContentLength ?? 0, sha256, version: head.ETag ?? '' };
}

const fileVersion = (size: number, mtimeMs: number) => `${size}:${mtimeMs}`;

/** Reads [from, to) of the input (clipped to its size), checking it is the submitted version. */
async function readBytes(
  s3: S3Client,
  ref: InputRef,
  where: InputLocation,
  from: number,
  to: number,
): Promise<Buffer> {
  const end = Math.min(to, ref.bytes);
  if (end <= from) return Buffer.alloc(0);
  const changed = () =>
    new InputChangedError(
      `the corpus ${ref.url} changed since the job was submitted (it is no longer the version with SHA-256 ${ref.sha256}); submit it again as a new job`,
    );
  if (where.scheme === 'file') {
    const handle = await open(where.path, 'r');
    try {
      const now = await handle.stat();
      if (fileVersion(now.size, now.mtimeMs) !== ref.version) throw changed();
      const buf = Buffer.allocUnsafe(end - from);
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await handle.read(buf, got, buf.length - got, from + got);
        if (bytesRead === 0) throw changed();
        got += bytesRead;
      }
      return buf;
    } finally {
      await handle.close();
    }
  }
  try {
    const r = await s3.send(
      new GetObjectCommand({
        Bucket: where.bucket,
        Key: where.key,
        Range: `bytes=${from}-${end - 1}`,
        IfMatch: ref.version,
      }),
    );
    return Buffer.from(await r.Body!.transformToByteArray());
  } catch (err) {
    if (isPreconditionFailed(err) || isNotFound(err)) throw changed();
    throw err;
  }
}

/** How far past a range's end a read looks at a time for the end of its last line. */
const OVERRUN_BYTES = 1 << 20;

export interface Chunk {
  /** The lines that start in [start, end), whole. */
  bytes: Buffer;
  /** Where they begin and end in the input. */
  start: number;
  end: number;
}

/** The lines that start in [start, end) of the input (realigned; see the module comment). */
export async function readChunk(
  s3: S3Client,
  ref: InputRef,
  access: InputAccess,
  start: number,
  end: number,
): Promise<Chunk> {
  const where = locateInput(ref.url, access);
  const head = start > 0 ? start - 1 : 0;
  const data = await readBytes(s3, ref, where, head, end);
  let begin = 0;
  if (start > 0) {
    const nl = data.indexOf(0x0a);
    if (nl === -1) return { bytes: Buffer.alloc(0), start: end, end };
    begin = nl + 1;
  }
  if (begin >= data.length)
    return { bytes: Buffer.alloc(0), start: head + begin, end: head + begin };
  const parts = [data.subarray(begin)];
  let at = head + data.length;
  // Finish the last line, which may run past `end`.
  if (data[data.length - 1] !== 0x0a) {
    while (at < ref.bytes) {
      const more = await readBytes(s3, ref, where, at, at + OVERRUN_BYTES);
      const nl = more.indexOf(0x0a);
      if (nl !== -1) {
        parts.push(more.subarray(0, nl + 1));
        at += nl + 1;
        break;
      }
      parts.push(more);
      at += more.length;
    }
  }
  return {
    bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts),
    start: head + begin,
    end: at,
  };
}
