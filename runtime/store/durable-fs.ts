/**
 * The few file-system moves the store is built from, each durable on a crash: a file is on disk
 * once `fsyncFile` returns, a directory entry (create, rename) once `fsyncDir` on its parent
 * returns, and `writeFileAtomic` replaces a file so that readers see either the old or the new
 * content, never a mix. These hold on local disks and on EFS (NFSv4.1, close-to-open consistency).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StoreError, isErrno } from './store-error.js';

/**
 * A short random suffix for temp and partial names, so concurrent writers never share a name. From
 * the global Web Crypto, which Node loads on first use: importing `node:crypto` would put its load
 * (about 12 ms) in every search cold start, which only reads (bench/PROFILE.md, First answer).
 */
export function randomSuffix(bytes = 4): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');
}

/** Flushes a file's data and metadata to stable storage. */
export async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Flushes a directory's entries (files created or renamed into it). Windows cannot open a
 * directory for fsync and does not need it for rename durability, so it is skipped there only.
 */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `file` with `content` atomically: writes a uniquely named temp file beside it (same
 * directory, so the same file system), fsyncs it, renames it over `file`, and fsyncs the directory.
 * Two writers at once both succeed; the last rename wins; neither ever leaves a torn file.
 * Temp files left by a crash are named `.<base>-<random>.tmp` and removed by the store's cleanup.
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}-${randomSuffix()}.tmp`);
  const handle = await fs.open(temp, 'wx');
  try {
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
}

/**
 * Lists every regular file below `root` as a `/`-separated path relative to `root`, sorted by
 * code unit so that manifests are byte-for-byte reproducible. Folders are descended into;
 * symlinks, sockets and the like are refused, because a version must be self-contained.
 */
export async function listFilesRecursive(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string, prefix: string): Promise<void> {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), relative);
      else if (entry.isFile()) found.push(relative);
      else {
        throw new StoreError(
          'invalid-source',
          `"${path.join(dir, entry.name)}" is neither a regular file nor a folder (a symlink or special file); an index version may only hold regular files`,
        );
      }
    }
  }
  await walk(root, '');
  return found.sort(compareCodeUnits);
}

/** Every folder below `root` (deepest first), for fsyncing their entries after files are written. */
export async function listDirsRecursive(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(path.join(dir, entry.name));
    }
    found.push(dir);
  }
  await walk(root);
  return found;
}

/** Ordering by UTF-16 code units, independent of locale (unlike `localeCompare`). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `fs.stat` that answers undefined for a missing path instead of throwing. */
export async function statOrUndefined(p: string): Promise<import('node:fs').Stats | undefined> {
  try {
    return await fs.stat(p);
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) return undefined;
    throw err;
  }
}
