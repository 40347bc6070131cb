/**
 * `IndexStore`: the versioned index store over one directory (an EFS mount in AWS, any folder
 * locally). Layout, relative to the store root:
 *
 *     versions/<id>/            immutable; the index files + manifest.json
 *     CURRENT                   "<id>\n", the live version; replaced only by atomic rename
 *     HISTORY                   JSON lines of activations, oldest first (see history.ts)
 *     .partial/<id>-<random>/   versions being assembled (publish copies, loader downloads)
 *     .partial/trash-<...>/     pruned versions and released locks, renamed away, being deleted
 *     .lock/owner.json          present while a writer flips CURRENT/HISTORY or prunes (store-lock.ts)
 *     .CURRENT-<hex>.tmp        (and .HISTORY-<hex>.tmp) atomic-write temp files; only after a crash
 *
 * Invariants, under concurrent writers and a SIGKILL at any instant:
 * - a folder appears in `versions/` only by one `rename` of a complete, verified, fsynced folder;
 * - `CURRENT` is only ever written (atomically) to name such a folder, checked under the lock;
 * - the live version and the rollback target are never pruned.
 * Hence `CURRENT`, when present, always names a complete version whose checksums pass.
 *
 * The store knows files, not indexes: what makes a folder a usable index is the runtime's
 * business, given as the `validate` option (the CLI and the loader pass `checkIndexVersion`,
 * which opens it with the engine). When given, no version becomes live without passing it.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  fsyncDir,
  fsyncFile,
  listDirsRecursive,
  listFilesRecursive,
  randomSuffix,
  statOrUndefined,
  writeFileAtomic,
} from './durable-fs.js';
import {
  HISTORY_FILE,
  type HistoryAction,
  type HistoryEntry,
  previousLiveVersion,
  readHistory,
  writeHistory,
} from './history.js';
import { errorMessage, jsonLinesLogger, type Logger } from '../log/logger.js';
import {
  MANIFEST_FILE,
  type Manifest,
  checkListing,
  createManifest,
  readManifest,
  validateManifest,
  verifyVersion,
  writeManifest,
} from './manifest.js';
import { PARTIAL_DIR, STALE_PARTIAL_MS, cleanStaleEntries } from './partial-area.js';
import { DEFAULT_KEEP, assertKeep, versionsToPrune } from './retention.js';
import { describeVersion, newestFirst } from './version-info.js';
import { StoreError, isErrno } from './store-error.js';
import { type StoreLockOptions, withStoreLock } from './store-lock.js';
import { assertVersionId, isVersionId, newVersionId } from './version-id.js';
import type {
  ActivationResult,
  PublishOptions,
  PublishResult,
  VersionInfo,
  VersionStore,
  VersionValidator,
} from './version-store.js';

export const VERSIONS_DIR = 'versions';
export const CURRENT_FILE = 'CURRENT';

export interface IndexStoreOptions {
  /** Where cleanup problems are reported. Default: JSON lines on stderr. */
  logger?: Logger;
  /** Waiting and staleness of the store lock. */
  lock?: StoreLockOptions;
  /** Run on every version before it is made live (publish, commit, activate, rollback). */
  validate?: VersionValidator;
}

/** A version being assembled in `.partial/`; fill `dir`, then `commitPartial` it. */
export interface PartialVersion {
  version: string;
  dir: string;
}

export class IndexStore implements VersionStore {
  readonly root: string;
  readonly versionsDir: string;
  readonly partialDir: string;
  readonly currentFile: string;
  readonly historyFile: string;
  readonly #logger: Logger;
  readonly #lock: StoreLockOptions;
  readonly #validate: VersionValidator | undefined;

  constructor(
    root: string,
    {
      logger = jsonLinesLogger(process.stderr, { component: 'index-store' }),
      lock = {},
      validate,
    }: IndexStoreOptions = {},
  ) {
    this.root = path.resolve(root);
    this.versionsDir = path.join(this.root, VERSIONS_DIR);
    this.partialDir = path.join(this.root, PARTIAL_DIR);
    this.currentFile = path.join(this.root, CURRENT_FILE);
    this.historyFile = path.join(this.root, HISTORY_FILE);
    this.#logger = logger;
    this.#lock = lock;
    this.#validate = validate;
  }

  get location(): string {
    return this.root;
  }

  /** A version's own folder: nothing to copy, nothing to release. */
  async checkout(id: string): Promise<string> {
    return this.versionDir(id);
  }

  async release(_id: string): Promise<void> {}

  /** Creates the store's folders if missing. Writers call it; readers never need it. */
  async init(): Promise<void> {
    await fs.mkdir(this.versionsDir, { recursive: true });
    await fs.mkdir(this.partialDir, { recursive: true });
  }

  /** The folder of a version (validated id, so never outside `versions/`). */
  versionDir(id: string): string {
    return path.join(this.versionsDir, assertVersionId(id));
  }

  /**
   * The id in `CURRENT`, or undefined if nothing was ever published. One small file read, no
   * directory scan: this is what `LiveIndex` polls. Throws `invalid-current` if it is not a valid id.
   */
  async readCurrent(): Promise<string | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.currentFile, 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      if (isErrno(err, 'EISDIR')) throw this.#currentIsAFolder();
      throw err;
    }
    const id = text.trim();
    if (!isVersionId(id)) {
      throw new StoreError(
        'invalid-current',
        `${this.currentFile} holds ${JSON.stringify(text.slice(0, 200))}, which is not a version id; expected one id and a newline`,
      );
    }
    return id;
  }

  /** Like `readCurrent`, and also checks the named version exists (`invalid-current` otherwise). */
  async current(): Promise<string | undefined> {
    const id = await this.readCurrent();
    if (id !== undefined && !(await this.has(id))) {
      throw new StoreError(
        'invalid-current',
        `${this.currentFile} names version "${id}", but ${this.versionDir(id)} has no manifest.json (missing or deleted); activate an existing version`,
      );
    }
    return id;
  }

  /** Whether `versions/<id>/` exists with a manifest (it may still fail verification). */
  async has(id: string): Promise<boolean> {
    return (await statOrUndefined(path.join(this.versionDir(id), MANIFEST_FILE))) !== undefined;
  }

  readManifest(id: string): Promise<Manifest> {
    return readManifest(this.versionDir(id));
  }

  /** Verifies a version's files against its manifest (`missing-version` if it does not exist). */
  async verify(id: string): Promise<Manifest> {
    if (!(await statOrUndefined(this.versionDir(id)))?.isDirectory()) {
      throw new StoreError(
        'missing-version',
        `version "${id}" does not exist; expected a folder ${this.versionDir(id)}`,
      );
    }
    return verifyVersion(this.versionDir(id), { expectedVersion: id });
  }

  history(): Promise<HistoryEntry[]> {
    return readHistory(this.historyFile);
  }

  /** From `HISTORY`, or `CURRENT` itself (a crash between the two leaves `HISTORY` one flip behind). */
  async wasLive(id: string): Promise<boolean> {
    return (
      (await this.readCurrent()) === id || (await this.history()).some((h) => h.version === id)
    );
  }

  fileUrl(id: string, file: string): string {
    return pathToFileURL(path.join(this.versionDir(id), ...file.split('/'))).href;
  }

  /** The version `rollback()` would make live: the one live before the current one (see history.ts). */
  async rollbackTarget(): Promise<string | undefined> {
    return previousLiveVersion(await this.history(), await this.readCurrent());
  }

  /** Every folder in `versions/`, newest first, with its size and status. Does not hash files. */
  async list(): Promise<VersionInfo[]> {
    const names = await fs.readdir(this.versionsDir).catch((err: unknown) => {
      if (isErrno(err, 'ENOENT')) return [] as string[];
      throw err;
    });
    const live = await this.readCurrent();
    const target = previousLiveVersion(await this.history(), live);
    const infos: VersionInfo[] = [];
    for (const name of names) {
      const dir = path.join(this.versionsDir, name);
      const status = { live: name === live, rollbackTarget: name === target };
      infos.push(await describeVersion(name, dir, status, () => readManifest(dir)));
    }
    return newestFirst(infos);
  }

  /**
   * Publishes the files of `builtDir` (recursively; a `manifest.json` at its top is ignored and
   * written fresh) as a new version and makes it live: copy into `.partial/`, fsync, write the
   * manifest, verify, rename into `versions/`, flip `CURRENT`, prune beyond `keep`.
   */
  async publish(
    builtDir: string,
    { keep = DEFAULT_KEEP, source, version }: PublishOptions = {},
  ): Promise<PublishResult> {
    assertKeep(keep);
    const from = path.resolve(builtDir);
    if (!(await statOrUndefined(from))?.isDirectory()) {
      throw new StoreError(
        'invalid-source',
        `the index to publish, ${from}, is not a folder; expected the output folder of "sir index"`,
      );
    }
    const files = (await listFilesRecursive(from)).filter((p) => p !== MANIFEST_FILE);
    if (files.length === 0)
      throw new StoreError('invalid-source', `the index to publish, ${from}, holds no files`);
    await this.assertCurrentIsAFile();
    await this.init();
    await this.cleanStale();
    const partial = await this.stagePartial({ version });
    try {
      for (const p of files) {
        const to = path.join(partial.dir, ...p.split('/'));
        await fs.mkdir(path.dirname(to), { recursive: true });
        await fs.copyFile(path.join(from, ...p.split('/')), to);
      }
      return await this.commitPartial(partial, {
        keep,
        source: { index: from, host: os.hostname(), ...source },
      });
    } catch (err) {
      await this.abandonPartial(partial);
      throw err;
    }
  }

  /** Creates an empty folder in `.partial/` for a new version (`version` defaults to a new id). */
  async stagePartial({
    version = newVersionId(),
  }: { version?: string } = {}): Promise<PartialVersion> {
    assertVersionId(version);
    await this.init();
    const dir = path.join(this.partialDir, `${version}-${randomSuffix()}`);
    await fs.mkdir(dir);
    return { version, dir };
  }

  /**
   * Turns a filled partial folder into a live version: writes its manifest, checks it, validates
   * the version (the `validate` option), fsyncs every file and folder, renames it into
   * `versions/`, flips `CURRENT`, prunes beyond `keep`. Every byte is hashed once:
   *
   * - without `manifest`, the store hashes the files to create it (`publish`);
   * - with `manifest`, the caller has already checked each file's size and SHA-256 against it as
   *   it wrote the file (the loader, while downloading); the store writes it and checks that the
   *   folder holds exactly the listed files with the listed sizes.
   *
   * On failure the partial folder is left for the caller to inspect or `abandonPartial`.
   */
  async commitPartial(
    partial: PartialVersion,
    {
      keep = DEFAULT_KEEP,
      source,
      manifest,
    }: { keep?: number; source?: Record<string, string>; manifest?: Manifest } = {},
  ): Promise<PublishResult> {
    assertKeep(keep);
    const dir = this.#checkPartial(partial);
    await this.assertCurrentIsAFile();
    if (manifest !== undefined) {
      const checked = validateManifest(manifest, `the manifest of version ${partial.version}`);
      if (checked.version !== partial.version)
        throw new StoreError(
          'verification-failed',
          `the manifest names version "${checked.version}" but the folder is for version "${partial.version}"`,
        );
      await checkListing(dir, checked);
    } else {
      manifest = await createManifest(dir, {
        version: partial.version,
        ...(source ? { source } : {}),
      });
    }
    await writeManifest(dir, manifest);
    await this.#validated(partial.version, dir);
    for (const p of await listFilesRecursive(dir)) await fsyncFile(path.join(dir, ...p.split('/')));
    for (const d of await listDirsRecursive(dir)) await fsyncDir(d);
    const target = this.versionDir(partial.version);
    try {
      await fs.rename(dir, target);
    } catch (err) {
      if (isErrno(err, 'EEXIST', 'ENOTEMPTY')) {
        throw new StoreError(
          'version-exists',
          `version "${partial.version}" already exists in ${this.versionsDir}; versions are immutable, publish under a new id`,
        );
      }
      throw err;
    }
    await fsyncDir(this.versionsDir);
    const { previous, pruned } = await this.#flip(partial.version, 'publish', { keep });
    return {
      version: partial.version,
      dir: target,
      manifest,
      ...(previous !== undefined ? { previous } : {}),
      pruned,
    };
  }

  /** Deletes a partial folder that will not be committed. */
  async abandonPartial(partial: PartialVersion): Promise<void> {
    await fs.rm(this.#checkPartial(partial), { recursive: true, force: true });
  }

  /** Makes an existing version live, after verifying its checksums (and `validate`). */
  async activate(id: string): Promise<ActivationResult> {
    await this.assertCurrentIsAFile();
    await this.verify(id);
    await this.#validated(id, this.versionDir(id));
    const { previous, changed } = await this.#flip(id, 'activate', {});
    return { version: id, ...(previous !== undefined ? { previous } : {}), changed };
  }

  /**
   * Makes the previously live version live again (`rollbackTarget()`), after verifying it.
   * Throws `no-rollback-target` if there is none, `conflict` if another writer flipped meanwhile.
   */
  async rollback(): Promise<ActivationResult> {
    const live = await this.current();
    if (live === undefined)
      throw new StoreError(
        'no-rollback-target',
        `nothing is live in ${this.root} (no CURRENT), so there is nothing to roll back`,
      );
    const target = previousLiveVersion(await this.history(), live);
    if (target === undefined) {
      throw new StoreError(
        'no-rollback-target',
        `version "${live}" is live and ${this.historyFile} records no version live before it`,
      );
    }
    if (!(await this.has(target))) {
      throw new StoreError(
        'missing-version',
        `the version live before "${live}", "${target}", no longer exists; activate another version by id`,
      );
    }
    await this.verify(target);
    await this.#validated(target, this.versionDir(target));
    const { previous } = await this.#flip(target, 'rollback', { expectLive: live });
    return { version: target, ...(previous !== undefined ? { previous } : {}), changed: true };
  }

  /** Removes versions beyond `keep` (never the live one or the rollback target). Returns their ids. */
  async prune(keep = DEFAULT_KEEP): Promise<string[]> {
    assertKeep(keep);
    return (await this.#flip(undefined, 'publish', { keep })).pruned;
  }

  /** Removes abandoned partial folders, trash and temp files older than `maxAgeMs` (default 1 h). */
  cleanStale(maxAgeMs = STALE_PARTIAL_MS): Promise<string[]> {
    return cleanStaleEntries(this.root, this.partialDir, this.#logger, maxAgeMs);
  }

  /** Runs the `validate` option on a version, as a `StoreError` naming it when it fails. */
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

  #currentIsAFolder(): StoreError {
    return new StoreError(
      'invalid-current',
      `${this.currentFile} is a folder; it must be a file holding the live version id. Move the folder away (the store never deletes what it did not write)`,
    );
  }

  /**
   * Refuses, before anything is written, a `CURRENT` that is a folder (it could not be replaced).
   * Publishers call it before long work (a build) so that it fails first, not last.
   */
  async assertCurrentIsAFile(): Promise<void> {
    if ((await statOrUndefined(this.currentFile))?.isDirectory()) throw this.#currentIsAFolder();
  }

  #checkPartial(partial: PartialVersion): string {
    assertVersionId(partial.version);
    const dir = path.resolve(partial.dir);
    if (path.dirname(dir) !== this.partialDir) {
      throw new StoreError(
        'invalid-source',
        `${dir} is not a partial folder of this store; expected a folder made by stagePartial() in ${this.partialDir}`,
      );
    }
    return dir;
  }

  /**
   * Under the store lock: optionally flip `CURRENT` to `id` and record it in `HISTORY`, then
   * optionally prune. Pruned folders are renamed into `.partial/trash-*` under the lock (fast,
   * atomic) and deleted after it is released.
   */
  async #flip(
    id: string | undefined,
    action: HistoryAction,
    { keep, expectLive }: { keep?: number; expectLive?: string },
  ): Promise<{ previous?: string; changed: boolean; pruned: string[] }> {
    await this.init();
    const trash: string[] = [];
    const result = await withStoreLock(
      this.root,
      this.partialDir,
      async () => {
        let live: string | undefined;
        try {
          live = await this.readCurrent();
        } catch (err) {
          if (!(err instanceof StoreError) || id === undefined) throw err;
          this.#logger.warn('index store: replacing a malformed CURRENT', {
            error: errorMessage(err),
            version: id,
          });
        }
        if (expectLive !== undefined && live !== expectLive) {
          throw new StoreError(
            'conflict',
            `the live version changed from "${expectLive}" to "${live}" during the operation; run it again`,
          );
        }
        let changed = false;
        if (id !== undefined && live !== id) {
          // Re-checked under the lock: a concurrent prune may have removed it since it was verified.
          if (!(await this.has(id)))
            throw new StoreError(
              'missing-version',
              `version "${id}" was removed before it could be made live`,
            );
          const history = await this.history();
          const at = new Date().toISOString();
          if (live !== undefined && history.at(-1)?.version !== live)
            history.push({ at, version: live, action: 'recovered' });
          await writeFileAtomic(this.currentFile, `${id}\n`);
          history.push({ at, version: id, action });
          await writeHistory(this.historyFile, history);
          changed = true;
        }
        const pruned = keep === undefined ? [] : await this.#pruneLocked(keep, trash);
        return { ...(live !== undefined ? { previous: live } : {}), changed, pruned };
      },
      this.#lock,
    );
    for (const t of trash) await fs.rm(t, { recursive: true, force: true, maxRetries: 3 });
    return result;
  }

  async #pruneLocked(keep: number, trash: string[]): Promise<string[]> {
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
      const to = path.join(this.partialDir, `trash-${id}-${randomSuffix()}`);
      await fs.rename(this.versionDir(id), to);
      trash.push(to);
    }
    if (doomed.length > 0) await fsyncDir(this.versionsDir);
    return doomed;
  }
}
