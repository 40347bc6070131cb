/**
 * `S3IndexStore`: the index store in an S3 bucket (the `s3` storage tier), with the directory
 * store's layout and promises (version-store.ts), over the plain S3 API only — GET, PUT with
 * `If-None-Match`/`If-Match`, HEAD, ListObjectsV2, DeleteObjects — so any S3-compatible object
 * store that honours conditional writes can hold it. Layout, under `prefix`:
 *
 *     versions/<id>/<path>          immutable; the index files
 *     versions/<id>/manifest.json   written last, with If-None-Match: * — the version exists iff it does
 *     CURRENT                       "<id>\n"; metadata `previous`: the version live before it,
 *                                   `live-before`: the versions live before this one, newest
 *                                   first, the last LIVE_BEFORE_KEPT (what `wasLive` reads)
 *
 * Invariants, under concurrent writers and a writer killed at any instant:
 * - a version is visible only once its manifest is, and the manifest is written after every file;
 *   a writer killed before leaves unlisted objects under `versions/<id>/` that no reader follows
 *   (`list()` reports them, and retention never deletes what it cannot read);
 * - `CURRENT` is replaced only by a conditional PUT: `If-Match` on the ETag it was read with, or
 *   `If-None-Match: *` when there was none. Of two writers that read the same `CURRENT`, exactly
 *   one wins; the other reads again (publish, activate) or fails with `conflict` (rollback, whose
 *   target depended on what it read);
 * - the rollback target rides in the same object (`previous` metadata), so a flip records it
 *   atomically: rolling back twice returns to where you started, like the directory store.
 *
 * Readers (`LiveIndex`) poll `CURRENT` and `checkout` a version into `cacheDir`: every file is
 * hashed while it downloads and refused unless size and SHA-256 match the manifest, then the
 * folder is renamed into place, so a cached version is always complete.
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { listFilesRecursive, randomSuffix, statOrUndefined } from './durable-fs.js';
import { errorMessage, jsonLinesLogger, type Logger } from '../log/logger.js';
import {
  MANIFEST_FILE,
  type Manifest,
  createManifest,
  validateManifest,
  verifyVersion,
  writeManifest,
} from './manifest.js';
import { DEFAULT_KEEP, assertKeep, versionsToPrune } from './retention.js';
import { describeVersion, newestFirst } from './version-info.js';
import { putFile } from './s3-objects.js';
import { StoreError } from './store-error.js';
import { assertVersionId, isVersionId, newVersionId } from './version-id.js';
import type {
  ActivationResult,
  PublishOptions,
  PublishResult,
  VersionInfo,
  VersionStore,
  VersionValidator,
} from './version-store.js';

export const S3_VERSIONS_PREFIX = 'versions/';
export const S3_CURRENT_KEY = 'CURRENT';
/** Retries of a publish's or activation's flip when another writer flipped first. */
const FLIP_ATTEMPTS = 20;
/**
 * Versions `CURRENT`'s `live-before` metadata lists: ids of up to 21 characters, so 32 of them
 * stay well inside S3's 2 KB of user metadata. A redelivered reduce step asks within seconds, a
 * window no stack flips 32 times in.
 */
export const LIVE_BEFORE_KEPT = 32;
const LIVE_BEFORE = 'live-before';

export interface S3IndexStoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix of the store inside the bucket: empty or ending in `/` (e.g. `store/`). Default ''. */
  prefix?: string;
  /** Where `checkout` downloads versions. Default a folder in the OS temp dir (`/tmp` on Lambda). */
  cacheDir?: string;
  /** Run on every version before it is made live (publish, activate, rollback). */
  validate?: VersionValidator;
  /** Default: JSON lines on stderr. */
  logger?: Logger;
}

interface CurrentObject {
  id: string | undefined;
  /** The `previous` metadata: the version live before this one. */
  previous: string | undefined;
  /** The `live-before` metadata: the versions live before this one, newest first. */
  liveBefore: string[];
  /** Absent when there is no CURRENT yet. */
  etag: string | undefined;
}

/** `CURRENT` as stored, before its id is checked. */
interface RawCurrent {
  text: string;
  previous: string | undefined;
  liveBefore: string | undefined;
  etag: string | undefined;
}

export class S3IndexStore implements VersionStore {
  readonly bucket: string;
  readonly prefix: string;
  readonly cacheDir: string;
  readonly #s3: S3Client;
  readonly #validate: VersionValidator | undefined;
  readonly #logger: Logger;
  /** Checked-out versions: how many users each has, and the download in progress. */
  readonly #checkouts = new Map<string, { users: number; ready: Promise<string> }>();

  constructor({
    client,
    bucket,
    prefix = '',
    cacheDir = path.join(os.tmpdir(), 'sir-index-cache'),
    validate,
    logger = jsonLinesLogger(process.stderr, { component: 'index-store' }),
  }: S3IndexStoreOptions) {
    if (prefix !== '' && (!prefix.endsWith('/') || prefix.startsWith('/')))
      throw new StoreError(
        'invalid-option',
        `the S3 store's prefix must be empty or end with "/" and not start with one (e.g. "store/"), got "${prefix}"`,
      );
    this.#s3 = client;
    this.bucket = bucket;
    this.prefix = prefix;
    this.cacheDir = path.resolve(cacheDir);
    this.#validate = validate;
    this.#logger = logger;
  }

  get location(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  #versionPrefix(id: string): string {
    return `${this.prefix}${S3_VERSIONS_PREFIX}${assertVersionId(id)}/`;
  }

  async readCurrent(): Promise<string | undefined> {
    return (await this.#readCurrentObject()).id;
  }

  async current(): Promise<string | undefined> {
    const id = await this.readCurrent();
    if (id !== undefined && !(await this.has(id)))
      throw new StoreError(
        'invalid-current',
        `${this.location}${S3_CURRENT_KEY} names version "${id}", but ${this.location}${S3_VERSIONS_PREFIX}${id}/ has no manifest.json (missing or deleted); activate an existing version`,
      );
    return id;
  }

  async has(id: string): Promise<boolean> {
    return (await this.#getText(`${this.#versionPrefix(id)}${MANIFEST_FILE}`)) !== undefined;
  }

  /** From `CURRENT` and its `live-before` list (the last LIVE_BEFORE_KEPT flips). */
  async wasLive(id: string): Promise<boolean> {
    const cur = await this.#readCurrentObject();
    return cur.id === id || cur.previous === id || cur.liveBefore.includes(id);
  }

  fileUrl(id: string, file: string): string {
    return `s3://${this.bucket}/${this.#versionPrefix(id)}${file}`;
  }

  async readManifest(id: string): Promise<Manifest> {
    const key = `${this.#versionPrefix(id)}${MANIFEST_FILE}`;
    const text = await this.#getText(key);
    if (text === undefined)
      throw new StoreError(
        'invalid-manifest',
        `s3://${this.bucket}/${key} is missing; every version must contain a manifest.json`,
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new StoreError(
        'invalid-manifest',
        `s3://${this.bucket}/${key} is not valid JSON (${errorMessage(err)})`,
      );
    }
    const manifest = validateManifest(parsed, `s3://${this.bucket}/${key}`);
    if (manifest.version !== id)
      throw new StoreError(
        'verification-failed',
        `s3://${this.bucket}/${key} names version "${manifest.version}" but is stored as version "${id}"`,
      );
    return manifest;
  }

  /** Downloads the version into a scratch folder, checking every byte, and deletes it again. */
  verify(id: string): Promise<Manifest> {
    return this.#withDownload(id, async (_dir, manifest) => manifest);
  }

  async rollbackTarget(): Promise<string | undefined> {
    return (await this.#readCurrentObject()).previous;
  }

  async list(): Promise<VersionInfo[]> {
    const names = await this.#listVersionNames();
    const cur = await this.#readCurrentObject();
    const infos: VersionInfo[] = [];
    for (const name of names) {
      const dir = `${this.location}${S3_VERSIONS_PREFIX}${name}/`;
      const status = { live: name === cur.id, rollbackTarget: name === cur.previous };
      infos.push(await describeVersion(name, dir, status, () => this.readManifest(name)));
    }
    return newestFirst(infos);
  }

  /**
   * Hashes the built folder into a manifest, runs `validate` on it, uploads every file, then the
   * manifest (If-None-Match: *, so a taken id fails with `version-exists`), flips `CURRENT`
   * (retrying when another writer flipped first) and prunes beyond `keep`.
   */
  async publish(
    builtDir: string,
    { keep = DEFAULT_KEEP, source, version = newVersionId() }: PublishOptions = {},
  ): Promise<PublishResult> {
    assertKeep(keep);
    assertVersionId(version);
    const from = path.resolve(builtDir);
    if (!(await statOrUndefined(from))?.isDirectory())
      throw new StoreError(
        'invalid-source',
        `the index to publish, ${from}, is not a folder; expected the output folder of "sir index"`,
      );
    const files = (await listFilesRecursive(from)).filter((p) => p !== MANIFEST_FILE);
    if (files.length === 0)
      throw new StoreError('invalid-source', `the index to publish, ${from}, holds no files`);
    const manifest = await createManifest(from, {
      version,
      source: { index: from, host: os.hostname(), ...source },
    });
    await this.#validated(version, from);
    if (await this.has(version)) throw versionExists(version, this.location);
    const base = this.#versionPrefix(version);
    for (const f of manifest.files) {
      const file = path.join(from, ...f.path.split('/'));
      await putFile(this.#s3, this.bucket, `${base}${f.path}`, { ...f, local: file });
    }
    try {
      await this.#s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: `${base}${MANIFEST_FILE}`,
          Body: `${JSON.stringify(manifest, null, 2)}\n`,
          ContentType: 'application/json',
          IfNoneMatch: '*',
        }),
      );
    } catch (err) {
      if (isPreconditionFailed(err)) throw versionExists(version, this.location);
      throw err;
    }
    const { previous } = await this.#flip(version, { retry: true });
    const pruned = await this.prune(keep);
    return {
      version,
      dir: `${this.location}${S3_VERSIONS_PREFIX}${version}/`,
      manifest,
      ...(previous !== undefined ? { previous } : {}),
      pruned,
    };
  }

  async activate(id: string): Promise<ActivationResult> {
    await this.#checkedForLive(id);
    const { previous, changed } = await this.#flip(id, { retry: true });
    return { version: id, ...(previous !== undefined ? { previous } : {}), changed };
  }

  async rollback(): Promise<ActivationResult> {
    const cur = await this.#readCurrentObject();
    if (cur.id === undefined)
      throw new StoreError(
        'no-rollback-target',
        `nothing is live in ${this.location} (no CURRENT), so there is nothing to roll back`,
      );
    if (cur.previous === undefined)
      throw new StoreError(
        'no-rollback-target',
        `version "${cur.id}" is live and ${this.location}${S3_CURRENT_KEY} records no version live before it`,
      );
    if (!(await this.has(cur.previous)))
      throw new StoreError(
        'missing-version',
        `the version live before "${cur.id}", "${cur.previous}", no longer exists; activate another version by id`,
      );
    await this.#checkedForLive(cur.previous);
    const { previous } = await this.#flip(cur.previous, { retry: false, read: cur });
    return {
      version: cur.previous,
      ...(previous !== undefined ? { previous } : {}),
      changed: true,
    };
  }

  /**
   * Deletes versions beyond `keep`, manifest first so a version disappears at once, and never
   * the live one or the rollback target. Versions whose manifest cannot be read are left alone.
   */
  async prune(keep = DEFAULT_KEEP): Promise<string[]> {
    assertKeep(keep);
    const versions = (await this.list()).filter(
      (v) => v.createdAt !== undefined && v.problem === undefined,
    );
    const protect = new Set(
      versions.filter((v) => v.live || v.rollbackTarget).map((v) => v.version),
    );
    const doomed = versionsToPrune(versions as { version: string; createdAt: string }[], {
      keep,
      protect,
    });
    for (const id of doomed) {
      const base = this.#versionPrefix(id);
      await this.#deleteKeys([`${base}${MANIFEST_FILE}`]);
      await this.#deleteKeys(
        (await this.#listKeys(base)).filter((k) => k !== `${base}${MANIFEST_FILE}`),
      );
    }
    return doomed;
  }

  /**
   * Downloads version `id` into `cacheDir/<id>/` (once per id while it has users), checking each
   * file's size and SHA-256 as it arrives; a file that does not match fails the checkout and
   * nothing is left behind.
   */
  async checkout(id: string): Promise<string> {
    assertVersionId(id);
    let entry = this.#checkouts.get(id);
    if (entry === undefined) {
      const target = path.join(this.cacheDir, id);
      const ready = (async () => {
        await fs.rm(target, { recursive: true, force: true });
        const scratch = await this.#scratch(id);
        try {
          const manifest = await this.#download(id, scratch);
          await writeManifest(scratch, manifest);
          await fs.rename(scratch, target);
          return target;
        } catch (err) {
          await fs.rm(scratch, { recursive: true, force: true });
          throw err;
        }
      })();
      entry = { users: 0, ready };
      this.#checkouts.set(id, entry);
      ready.catch(() => {
        if (this.#checkouts.get(id) === entry) this.#checkouts.delete(id);
      });
    }
    entry.users++;
    try {
      return await entry.ready;
    } catch (err) {
      entry.users--;
      throw err;
    }
  }

  /** Deletes the cached copy of `id` once its last user releases it. */
  async release(id: string): Promise<void> {
    const entry = this.#checkouts.get(id);
    if (entry === undefined || --entry.users > 0) return;
    this.#checkouts.delete(id);
    await fs.rm(path.join(this.cacheDir, assertVersionId(id)), { recursive: true, force: true });
  }

  /** Verifies a version by downloading it, then runs `validate` on the download. */
  async #checkedForLive(id: string): Promise<void> {
    await this.#withDownload(id, (dir) => this.#validated(id, dir));
  }

  /** Downloads `id` into a scratch folder, checking every byte, runs `fn` on it, deletes it. */
  async #withDownload<R>(
    id: string,
    fn: (dir: string, manifest: Manifest) => Promise<R>,
  ): Promise<R> {
    if (!(await this.has(id)))
      throw new StoreError(
        'missing-version',
        `version "${id}" does not exist; expected ${this.location}${S3_VERSIONS_PREFIX}${id}/manifest.json`,
      );
    const scratch = await this.#scratch(id);
    try {
      return await fn(scratch, await this.#download(id, scratch));
    } finally {
      await fs.rm(scratch, { recursive: true, force: true });
    }
  }

  async #validated(id: string, dir: string): Promise<void> {
    if (this.#validate === undefined) return;
    try {
      await this.#validate(dir);
    } catch (err) {
      throw new StoreError(
        'invalid-index',
        `version "${id}" is not a usable index (${errorMessage(err)}); it was not made live`,
        { cause: err },
      );
    }
  }

  async #scratch(id: string): Promise<string> {
    await fs.mkdir(this.cacheDir, { recursive: true });
    return fs.mkdtemp(path.join(this.cacheDir, `.partial-${id}-${randomSuffix()}-`));
  }

  /** Downloads every file of `id` into `dir`, hashing as it writes; returns the manifest. */
  async #download(id: string, dir: string): Promise<Manifest> {
    const manifest = await this.readManifest(id);
    const base = this.#versionPrefix(id);
    const fail = (what: string): never => {
      throw new StoreError('verification-failed', `version ${id} (${this.location}): ${what}`);
    };
    for (const f of manifest.files) {
      const file = path.join(dir, ...f.path.split('/'));
      await fs.mkdir(path.dirname(file), { recursive: true });
      const body = await this.#getBody(`${base}${f.path}`);
      if (body === undefined) return fail(`file "${f.path}" listed in manifest.json is missing`);
      const hash = createHash('sha256');
      let bytes = 0;
      await pipeline(
        body,
        new Transform({
          transform(chunk: Buffer, _enc, done) {
            bytes += chunk.length;
            if (bytes > f.bytes) return done(new Error(`more than the listed ${f.bytes} bytes`));
            hash.update(chunk);
            done(null, chunk);
          },
        }),
        createWriteStream(file),
      ).catch((err: unknown) =>
        fail(`file "${f.path}" could not be downloaded (${errorMessage(err)})`),
      );
      if (bytes !== f.bytes)
        fail(`file "${f.path}" is ${bytes} bytes but manifest.json lists ${f.bytes} bytes`);
      const sha256 = hash.digest('hex');
      if (sha256 !== f.sha256)
        fail(
          `file "${f.path}" has SHA-256 ${sha256} but manifest.json lists ${f.sha256}; its content was altered or damaged`,
        );
    }
    await writeManifest(dir, manifest);
    await verifyVersion(dir, { expectedVersion: id, contents: 'sizes' });
    return manifest;
  }

  /**
   * Makes `id` live with a conditional PUT of `CURRENT` recording the version it replaces. With
   * `retry`, a lost race reads `CURRENT` again and tries again; without, it fails with `conflict`.
   */
  async #flip(
    id: string,
    { retry, read }: { retry: boolean; read?: CurrentObject },
  ): Promise<{ previous?: string; changed: boolean }> {
    for (let attempt = 0; attempt < FLIP_ATTEMPTS; attempt++) {
      let cur: CurrentObject;
      if (attempt === 0 && read !== undefined) cur = read;
      else {
        const raw = await this.#readCurrentRaw();
        try {
          cur = this.#parseCurrent(raw);
        } catch (err) {
          if (!(err instanceof StoreError)) throw err;
          this.#logger.warn('index store: replacing a malformed CURRENT', {
            error: errorMessage(err),
            version: id,
          });
          cur = { id: undefined, previous: undefined, liveBefore: [], etag: raw?.etag };
        }
      }
      if (cur.id === id) return { previous: cur.id, changed: false };
      const liveBefore =
        cur.id === undefined ? [] : [cur.id, ...cur.liveBefore].slice(0, LIVE_BEFORE_KEPT);
      try {
        await this.#s3.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: `${this.prefix}${S3_CURRENT_KEY}`,
            Body: `${id}\n`,
            ContentType: 'text/plain',
            CacheControl: 'no-store',
            ...(cur.id !== undefined
              ? { Metadata: { previous: cur.id, [LIVE_BEFORE]: liveBefore.join(',') } }
              : {}),
            ...(cur.etag !== undefined ? { IfMatch: cur.etag } : { IfNoneMatch: '*' }),
          }),
        );
        return { ...(cur.id !== undefined ? { previous: cur.id } : {}), changed: true };
      } catch (err) {
        if (!isPreconditionFailed(err) && !isNotFound(err)) throw err;
        if (!retry)
          throw new StoreError(
            'conflict',
            `the live version changed from "${cur.id}" during the operation; run it again`,
          );
      }
    }
    throw new StoreError(
      'conflict',
      `${this.location}${S3_CURRENT_KEY} kept changing under ${FLIP_ATTEMPTS} attempts to make "${id}" live; try again`,
    );
  }

  async #readCurrentObject(): Promise<CurrentObject> {
    return this.#parseCurrent(await this.#readCurrentRaw());
  }

  async #readCurrentRaw(): Promise<RawCurrent | undefined> {
    let out;
    try {
      out = await this.#s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}${S3_CURRENT_KEY}` }),
      );
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    const text = (await out.Body?.transformToString('utf8')) ?? '';
    return {
      text,
      previous: out.Metadata?.previous,
      liveBefore: out.Metadata?.[LIVE_BEFORE],
      etag: out.ETag,
    };
  }

  #parseCurrent(raw: RawCurrent | undefined): CurrentObject {
    if (raw === undefined)
      return { id: undefined, previous: undefined, liveBefore: [], etag: undefined };
    const id = raw.text.trim();
    if (!isVersionId(id))
      throw new StoreError(
        'invalid-current',
        `${this.location}${S3_CURRENT_KEY} holds ${JSON.stringify(raw.text.slice(0, 200))}, which is not a version id; expected one id and a newline`,
      );
    const previous =
      raw.previous !== undefined && isVersionId(raw.previous) ? raw.previous : undefined;
    const liveBefore = (raw.liveBefore ?? '').split(',').filter(isVersionId);
    return { id, previous, liveBefore, etag: raw.etag };
  }

  async #getBody(key: string): Promise<Readable | undefined> {
    try {
      const out = await this.#s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return out.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async #getText(key: string): Promise<string | undefined> {
    const body = await this.#getBody(key);
    if (body === undefined) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async #listVersionNames(): Promise<string[]> {
    const base = `${this.prefix}${S3_VERSIONS_PREFIX}`;
    const names: string[] = [];
    for await (const page of this.#pages(base, '/'))
      for (const p of page.CommonPrefixes ?? [])
        if (p.Prefix !== undefined) names.push(p.Prefix.slice(base.length, -1));
    return names;
  }

  async #listKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const page of this.#pages(prefix))
      for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
    return keys;
  }

  /** Every page of a listing under `prefix` (grouped by `delimiter` when given). */
  async *#pages(prefix: string, delimiter?: string) {
    let token: string | undefined;
    do {
      const out = await this.#s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ...(delimiter !== undefined ? { Delimiter: delimiter } : {}),
          ...(token !== undefined ? { ContinuationToken: token } : {}),
        }),
      );
      yield out;
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async #deleteKeys(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const out = await this.#s3.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
        }),
      );
      if (out.Errors !== undefined && out.Errors.length > 0)
        throw new StoreError(
          'conflict',
          `could not delete ${out.Errors.length} object(s) of ${this.location}, first ${out.Errors[0]!.Key}: ${out.Errors[0]!.Message}`,
        );
    }
  }
}

function versionExists(id: string, location: string): StoreError {
  return new StoreError(
    'version-exists',
    `version "${id}" already exists in ${location}; versions are immutable, publish under a new id`,
  );
}

function status(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function isPreconditionFailed(err: unknown): boolean {
  return (err as { name?: string })?.name === 'PreconditionFailed' || status(err) === 412;
}

function isNotFound(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || status(err) === 404;
}
