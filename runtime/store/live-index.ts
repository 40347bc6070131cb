/**
 * `LiveIndex<T>`: the hot-reloading reader the app serves from. It holds one loaded index in
 * memory, notices when the store's `CURRENT` names another version, loads that version beside the
 * old one and swaps it in; requests already running keep the object they started with.
 *
 * How it behaves:
 * - Cold start: the first `get()`/`with()` loads the live version (check it — every file's SHA-256,
 *   or with `verify: 'on-read'` the manifest and sizes while `load` checks what it reads — then
 *   `load`). If nothing valid can be loaded it throws `StoreError('unavailable')` — or
 *   `not-published` when the store has no `CURRENT` yet (a new store, a fresh EFS) — which the app
 *   answers with 503; the failure is remembered for `checkIntervalMs` so a burst of requests does
 *   not re-read the store each, and the next call after that tries again, so the first publish is
 *   picked up like any later one.
 * - Polling is driven by requests, not timers (a frozen Lambda has no timers): a call more than
 *   `checkIntervalMs` after the last check reads `CURRENT` — one small file read — in the
 *   background. Requests never wait for a reload.
 * - A new version is verified and loaded while the old one keeps serving (with `on-read`, `load`
 *   reads and checks all of it); then one assignment
 *   swaps them, so no request ever sees "no index". A version that fails verification or whose
 *   `load` throws is refused, logged, and not retried for `refusedRetryMs`.
 * - Freeing: `with(fn)` counts the running users of each loaded version; a replaced version is
 *   `unload`ed once its count drops to zero. `with` releases in `finally`, so the app cannot
 *   forget. `get()` takes no reference: its value stays valid through the current macrotask (the
 *   unload is deferred with `setImmediate`), enough for synchronous use right after `await get()`;
 *   anything that awaits while using the value must go through `with`.
 * - A version whose files are gone while it is served (a thawed Lambda reading a pruned version
 *   lazily gets ENOENT/ESTALE) costs one request a reload: `with` reloads the live version and
 *   runs the request again on it, once.
 * - Fixed directory mode (`sir serve --index DIR`): loads `directory` once and never reloads; a
 *   `manifest.json` there is verified if present, and the version is its id or else the folder name.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { VersionSource } from './version-store.js';
import { errorMessage, jsonLinesLogger, type Logger } from '../log/logger.js';
import { MANIFEST_FILE, type Manifest, verifyVersion } from './manifest.js';
import { StoreError } from './store-error.js';

/** An error that says a version's files are gone: deleted, or a stale NFS/EFS handle on them. */
function isFileGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ESTALE';
}

/** One loaded version, as handed to request handlers. */
export interface LoadedIndex<T> {
  readonly value: T;
  readonly version: string;
  readonly loadedAt: Date;
  /** The folder it was loaded from. */
  readonly dir: string;
  /** Undefined only for a fixed directory without a manifest. */
  readonly manifest: Manifest | undefined;
}

export interface LiveIndexOptions<T> {
  /** The store to follow (a directory or S3); give exactly one of `store` and `directory`. */
  store?: VersionSource;
  /** A fixed index folder, loaded once and never reloaded. */
  directory?: string;
  /**
   * Builds the in-memory index from a checked folder. With `verify: 'sha256'` it should read
   * everything it needs (old folders may be pruned later); with `'on-read'` it checks the content
   * it reads, and `full` says to read and check all of it before returning (a version replacing a
   * served one).
   */
  load: (
    versionDir: string,
    manifest: Manifest | undefined,
    check: { full: boolean },
  ) => Promise<T> | T;
  /**
   * How a version's content is checked before it is served. `sha256` (default): every file's
   * size and SHA-256 against `manifest.json`, then `load`. `on-read`: the manifest and every
   * file's size, then `load` checks the content as it reads it — an index checks its core at open
   * and each block it reads later — so a cold start reads the file once, and only what it needs; a
   * version replacing a served one is loaded with `full: true`, which reads and checks everything
   * before the swap.
   */
  verify?: 'sha256' | 'on-read';
  /** Frees a replaced index once no request uses it (e.g. the engine's `free()`). */
  unload?: (value: T) => void;
  /** Minimum time between two reads of `CURRENT`, in ms. Default 5000; 0 checks on every call. */
  checkIntervalMs?: number;
  /** How long a refused version is left alone before it is tried again, in ms. Default 10 minutes. */
  refusedRetryMs?: number;
  /** Default: JSON lines on stderr. */
  logger?: Logger;
  /** Clock in ms, for tests. Default `Date.now`. */
  now?: () => number;
}

const LIVE_DEFAULTS = {
  checkIntervalMs: 5000,
  refusedRetryMs: 10 * 60_000,
  verify: 'sha256' as const,
};

/** What one check of `CURRENT` did. */
export type RefreshOutcome = 'unchanged' | 'swapped' | 'refused' | 'unreadable' | 'fixed';

interface Slot<T> {
  loaded: LoadedIndex<T>;
  /** Running `with` calls using it. */
  refs: number;
  /** Replaced (or closed): free once `refs` is 0. */
  retired: boolean;
  freed: boolean;
}

export class LiveIndex<T> {
  readonly #o: Required<Omit<LiveIndexOptions<T>, 'store' | 'directory' | 'unload'>> &
    Pick<LiveIndexOptions<T>, 'store' | 'directory' | 'unload'>;
  /** The slot being served. Once set it is only ever replaced by a newer slot, never unset. */
  #slot: Slot<T> | undefined;
  #retiredInUse = new Set<Slot<T>>();
  #cold: Promise<void> | undefined;
  #coldFailure: { at: number; error: StoreError } | undefined;
  #check: Promise<RefreshOutcome> | undefined;
  #lastCheck = -Infinity;
  #refused = new Map<string, { at: number; reason: string }>();
  #closed = false;

  constructor(options: LiveIndexOptions<T>) {
    this.#o = {
      ...LIVE_DEFAULTS,
      logger: jsonLinesLogger(process.stderr, { component: 'index-store' }),
      now: Date.now,
      ...options,
    };
    if ((options.store === undefined) === (options.directory === undefined)) {
      throw new StoreError(
        'invalid-option',
        'LiveIndex needs exactly one of "store" (an IndexStore to follow) and "directory" (a fixed index folder)',
      );
    }
    if (!(this.#o.checkIntervalMs >= 0))
      throw new StoreError(
        'invalid-option',
        `checkIntervalMs must be 0 or more, got ${this.#o.checkIntervalMs}`,
      );
  }

  /** The version being served (loading it on first call). See the note on `get()` vs `with()` above. */
  async get(): Promise<LoadedIndex<T>> {
    const slot = await this.#ready();
    this.#maybeCheck();
    return slot.loaded;
  }

  /**
   * Runs `fn` with the version being served, holding it until `fn` settles. When `fn` fails
   * because the version's files are gone (ENOENT, or ESTALE on EFS: a Lambda thawed after its
   * version was pruned, still reading it lazily), the live version is reloaded and `fn` runs once
   * more on it.
   */
  async with<R>(fn: (index: LoadedIndex<T>) => R | Promise<R>): Promise<R> {
    const slot = await this.#ready();
    this.#maybeCheck();
    try {
      return await this.#use(slot, fn);
    } catch (err) {
      if (this.#o.store === undefined || !isFileGone(err)) throw err;
      this.#o.logger.warn(
        "index store: the served version's files are gone; reloading the live version",
        {
          version: slot.loaded.version,
          error: errorMessage(err),
        },
      );
      await this.#replace(slot);
      return this.#use(this.#slot!, fn);
    }
  }

  async #use<R>(slot: Slot<T>, fn: (index: LoadedIndex<T>) => R | Promise<R>): Promise<R> {
    slot.refs++;
    try {
      return await fn(slot.loaded);
    } finally {
      slot.refs--;
      this.#freeIfIdle(slot);
    }
  }

  /** Replaces `gone` with the live version: a check of `CURRENT`, forced to reload when it still names `gone`. */
  async #replace(gone: Slot<T>): Promise<void> {
    await this.refresh();
    if (this.#slot === gone && !this.#closed)
      await (this.#check ??= this.#checkOnce(true).finally(() => (this.#check = undefined)));
  }

  /** Checks `CURRENT` now, regardless of the interval, and waits for any reload. Cold-loads first if needed. */
  async refresh(): Promise<RefreshOutcome> {
    if (this.#slot === undefined) {
      await this.#ready();
      return 'swapped';
    }
    if (this.#o.store === undefined) return 'fixed';
    return (this.#check ??= this.#checkOnce().finally(() => (this.#check = undefined)));
  }

  /** For health checks and tests: what is served, how many users hold old versions, what was refused. */
  stats(): {
    version?: string;
    loadedAt?: Date;
    inFlight: number;
    retiredInUse: number;
    refused: { version: string; reason: string }[];
  } {
    const refused = [...this.#refused].map(([version, r]) => ({ version, reason: r.reason }));
    const s = this.#slot;
    return {
      ...(s ? { version: s.loaded.version, loadedAt: s.loaded.loadedAt } : {}),
      inFlight: s?.refs ?? 0,
      retiredInUse: this.#retiredInUse.size,
      refused,
    };
  }

  /** Stops reloading and frees the served version once its users finish. Later calls throw `closed`. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#check;
    if (this.#slot) {
      this.#slot.retired = true;
      this.#freeIfIdle(this.#slot);
    }
  }

  /** Resolves to the slot to serve right now (cold-loading once), or throws `unavailable`/`closed`. */
  async #ready(): Promise<Slot<T>> {
    if (this.#closed) throw new StoreError('closed', 'the live index was closed');
    if (this.#slot === undefined) {
      const failure = this.#coldFailure;
      if (
        this.#cold === undefined &&
        failure !== undefined &&
        this.#o.now() - failure.at < this.#o.checkIntervalMs
      )
        throw failure.error;
      await (this.#cold ??= this.#coldLoad().finally(() => (this.#cold = undefined)));
    }
    // Read after the await: a swap may have happened meanwhile, and the newest slot is never retired.
    return this.#slot!;
  }

  async #coldLoad(): Promise<void> {
    this.#lastCheck = this.#o.now();
    const started = this.#o.now();
    try {
      const slot = this.#o.store
        ? await this.#loadStoreVersion()
        : await this.#loadFixed(this.#o.directory!);
      this.#slot = slot;
      this.#coldFailure = undefined;
      this.#o.logger.info('index store: serving version', {
        version: slot.loaded.version,
        dir: slot.loaded.dir,
        loadMs: this.#o.now() - started,
      });
    } catch (err) {
      if (err instanceof StoreError && err.code === 'not-published') {
        this.#coldFailure = { at: this.#o.now(), error: err };
        this.#o.logger.info('index store: nothing published yet', { error: err.message });
        throw err;
      }
      const error = new StoreError(
        'unavailable',
        `no index version can be served: ${errorMessage(err)}`,
        { cause: err },
      );
      this.#coldFailure = { at: this.#o.now(), error };
      this.#o.logger.error('index store: no index version can be served', {
        error: errorMessage(err),
      });
      throw error;
    }
  }

  async #loadStoreVersion(): Promise<Slot<T>> {
    const store = this.#o.store!;
    const id = await store.readCurrent();
    if (id === undefined)
      throw new StoreError(
        'not-published',
        `nothing has been published to ${store.location} yet (no CURRENT)`,
      );
    const refused = this.#refusal(id);
    if (refused !== undefined)
      throw new StoreError('unavailable', `version "${id}" was refused: ${refused}`);
    return this.#loadStored(id);
  }

  async #loadFixed(dir: string): Promise<Slot<T>> {
    const hasManifest = existsSync(path.join(dir, MANIFEST_FILE));
    const manifest = hasManifest ? await this.#verify(dir) : undefined;
    return this.#load(manifest?.version ?? path.basename(path.resolve(dir)), dir, false, manifest);
  }

  #verify(dir: string, expectedVersion?: string): Promise<Manifest> {
    const contents = this.#o.verify === 'on-read' ? 'sizes' : 'sha256';
    return verifyVersion(dir, { expectedVersion, contents });
  }

  /**
   * Checks a store version out (a download for S3), then verifies and loads it; the checkout is
   * released if that fails, and when the slot is freed otherwise.
   */
  async #loadStored(id: string): Promise<Slot<T>> {
    const store = this.#o.store!;
    let dir: string;
    try {
      dir = await store.checkout(id);
    } catch (err) {
      this.#refused.set(id, { at: this.#o.now(), reason: errorMessage(err) });
      throw err;
    }
    try {
      return await this.#load(id, dir, true);
    } catch (err) {
      await this.#release(id);
      throw err;
    }
  }

  /** Tells the store a checked-out version is no longer read; a failure is only logged. */
  async #release(version: string): Promise<void> {
    try {
      await this.#o.store?.release(version);
    } catch (err) {
      this.#o.logger.warn('index store: releasing a checked-out version failed', {
        version,
        error: errorMessage(err),
      });
    }
  }

  /** Verifies (store versions) and loads one version; a failure is remembered as a refusal. */
  async #load(
    version: string,
    dir: string,
    verify: boolean,
    manifest?: Manifest,
  ): Promise<Slot<T>> {
    try {
      const checked = verify ? await this.#verify(dir, version) : manifest;
      const value = await this.#o.load(dir, checked, { full: this.#slot !== undefined });
      return {
        loaded: { value, version, loadedAt: new Date(this.#o.now()), dir, manifest: checked },
        refs: 0,
        retired: false,
        freed: false,
      };
    } catch (err) {
      this.#refused.set(version, { at: this.#o.now(), reason: errorMessage(err) });
      throw err;
    }
  }

  #refusal(version: string): string | undefined {
    const r = this.#refused.get(version);
    return r !== undefined && this.#o.now() - r.at < this.#o.refusedRetryMs ? r.reason : undefined;
  }

  #maybeCheck(): void {
    if (this.#o.store === undefined || this.#check !== undefined || this.#closed) return;
    if (this.#o.now() - this.#lastCheck < this.#o.checkIntervalMs) return;
    // #checkOnce never rejects: every failure is logged and leaves the old version serving.
    this.#check = this.#checkOnce().finally(() => (this.#check = undefined));
  }

  /** One check of `CURRENT`; `reload` loads the version it names even when that is the one served. */
  async #checkOnce(reload = false): Promise<RefreshOutcome> {
    this.#lastCheck = this.#o.now();
    const serving = this.#slot!;
    const log = this.#o.logger;
    let id: string | undefined;
    try {
      id = await this.#o.store!.readCurrent();
    } catch (err) {
      log.warn('index store: cannot read CURRENT; still serving the loaded version', {
        serving: serving.loaded.version,
        error: errorMessage(err),
      });
      return 'unreadable';
    }
    if (id === undefined) {
      log.warn('index store: CURRENT is missing; still serving the loaded version', {
        serving: serving.loaded.version,
      });
      return 'unreadable';
    }
    if (id === serving.loaded.version && !reload) return 'unchanged';
    if (this.#refusal(id) !== undefined) return 'refused';
    const started = this.#o.now();
    let next: Slot<T>;
    try {
      next = await this.#loadStored(id);
    } catch (err) {
      log.error('index store: refused new version; still serving the old one', {
        version: id,
        serving: serving.loaded.version,
        error: errorMessage(err),
      });
      return 'refused';
    }
    if (this.#closed) {
      next.retired = true;
      this.#freeIfIdle(next);
      return 'unchanged';
    }
    this.#slot = next;
    serving.retired = true;
    this.#freeIfIdle(serving);
    log.info('index store: now serving version', {
      version: id,
      previous: serving.loaded.version,
      loadMs: this.#o.now() - started,
    });
    return 'swapped';
  }

  /** Unloads a retired slot once nobody holds it; deferred one macrotask for `get()` users. */
  #freeIfIdle(slot: Slot<T>): void {
    if (!slot.retired || slot.freed) return;
    if (slot.refs > 0) {
      this.#retiredInUse.add(slot);
      return;
    }
    slot.freed = true;
    this.#retiredInUse.delete(slot);
    const unload = this.#o.unload;
    setImmediate(() => {
      try {
        unload?.(slot.loaded.value);
      } catch (err) {
        this.#o.logger.error('index store: unloading a replaced version failed', {
          version: slot.loaded.version,
          error: errorMessage(err),
        });
      }
      void this.#release(slot.loaded.version);
    });
  }
}
