/**
 * The store lock: serialises the short critical sections that read and replace `CURRENT` and
 * `HISTORY` and that remove old versions, so that concurrent publishers, activations and
 * rollbacks (a laptop and the loader, or two loader runs) keep `HISTORY` in flip order and never
 * prune a version another writer is about to make live.
 *
 * It is a folder, `STORE/.lock/`, because `mkdir` is atomic on local disks and on NFS/EFS alike
 * (`O_EXCL` files are not reliably so over NFS). `.lock/owner.json` says who holds it.
 *
 * A holder killed with SIGKILL leaves the folder behind. It is broken when its owner is provably
 * gone (same host name and the pid no longer exists) or when it is older than `staleMs` (another
 * host; sections are short, a few small writes and renames, so minutes means dead). Breaking is
 * best effort: two waiters breaking the same stale lock at once can, in a narrow window, both
 * proceed. Even then every write is still an atomic rename, so `CURRENT` never names a torn
 * version; at worst `HISTORY` order is off by one flip.
 *
 * Readers (`LiveIndex`, `current()`, `list()`) never take the lock.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomSuffix } from './durable-fs.js';
import { errorMessage } from '../log/logger.js';
import { StoreError, isErrno } from './store-error.js';

export const LOCK_DIR = '.lock';
const OWNER_FILE = 'owner.json';
/** A lock folder without owner.json older than this is a holder that died between mkdir and write. */
const OWNERLESS_GRACE_MS = 10_000;

export interface StoreLockOptions {
  /** How long to wait for the lock before failing with `conflict`. Default 30 s. */
  timeoutMs?: number;
  /** Age after which a lock held from another host is considered abandoned. Default 2 minutes. */
  staleMs?: number;
}

const LOCK_DEFAULTS: Required<StoreLockOptions> = { timeoutMs: 30_000, staleMs: 120_000 };

interface LockOwner {
  pid: number;
  host: string;
  at: string;
  token: string;
}

/**
 * Runs `fn` while holding the lock of the store at `root`; `trashDir` (inside the store, same file
 * system) receives broken or released lock folders before they are deleted.
 */
export async function withStoreLock<R>(
  root: string,
  trashDir: string,
  fn: () => Promise<R>,
  options: StoreLockOptions = {},
): Promise<R> {
  const { timeoutMs, staleMs } = { ...LOCK_DEFAULTS, ...options };
  const lockDir = path.join(root, LOCK_DIR);
  const owner: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    at: new Date().toISOString(),
    token: randomSuffix(8),
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fs.mkdir(lockDir);
      break;
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
    }
    const holder = await readOwner(lockDir);
    if (await isAbandoned(lockDir, holder, staleMs)) {
      await removeLockDir(lockDir, trashDir);
      continue;
    }
    if (Date.now() > deadline) {
      const who = holder
        ? `pid ${holder.pid} on ${holder.host} since ${holder.at}`
        : 'a process that has not written its owner yet';
      throw new StoreError(
        'conflict',
        `could not take the store lock ${lockDir} within ${timeoutMs} ms; it is held by ${who}. If that process is gone, remove ${lockDir} and retry`,
      );
    }
    await sleep(20 + Math.random() * 60);
  }
  await fs.writeFile(path.join(lockDir, OWNER_FILE), JSON.stringify(owner));
  try {
    return await fn();
  } finally {
    // Release only our own lock: if it was broken as stale and retaken, the folder is someone else's.
    const holder = await readOwner(lockDir);
    if (holder?.token === owner.token) await removeLockDir(lockDir, trashDir);
  }
}

async function readOwner(lockDir: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(lockDir, OWNER_FILE), 'utf8')) as LockOwner;
  } catch (err) {
    // Missing (holder between mkdir and write, or just released) or half-written: no owner yet.
    if (isErrno(err, 'ENOENT') || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

async function isAbandoned(
  lockDir: string,
  holder: LockOwner | undefined,
  staleMs: number,
): Promise<boolean> {
  if (holder === undefined) {
    const stat = await fs.stat(lockDir).catch((err: unknown) => {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    });
    return stat !== undefined && Date.now() - stat.mtimeMs > OWNERLESS_GRACE_MS;
  }
  if (holder.host === os.hostname() && !processExists(holder.pid)) return true;
  return Date.now() - Date.parse(holder.at) > staleMs;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return !isErrno(err, 'ESRCH');
  }
}

/** Renames the lock folder away (atomic: the lock is free at once), then deletes it. */
async function removeLockDir(lockDir: string, trashDir: string): Promise<void> {
  const trash = path.join(trashDir, `trash-lock-${randomSuffix()}`);
  try {
    await fs.rename(lockDir, trash);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return; // someone else released or broke it first
    throw new StoreError(
      'conflict',
      `could not remove the store lock ${lockDir}: ${errorMessage(err)}`,
      { cause: err },
    );
  }
  await fs.rm(trash, { recursive: true, force: true });
}
