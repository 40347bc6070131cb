/**
 * Where a build writes, for the one- and the multi-threaded build alike. Scratch space (the
 * segments a builder spills past its memory budget, and the lazy sections of a segment or index
 * being written, `index-sink.ts`) is a folder of its own in the system's
 * temporary folder (`TMPDIR`; point it at a disk with room for a corpus larger than memory), named
 * `sir-build-<pid>-<random>`, removed when the build ends however it ends; one left by a killed
 * build is removed by the next build on the same machine. Nothing but `index.sir` is ever written
 * into OUT: it is written under a unique temporary name and renamed into place, so an interrupted
 * build never leaves a half-written index, and a failed build removes its temporary file and the
 * folders it made.
 */
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Eight random hex digits for a temporary name. From the global Web Crypto, loaded on first use:
 * importing `node:crypto` here would put its load (about 12 ms) into every search cold start,
 * which imports the engine but never builds (bench/PROFILE.md, First answer).
 */
export function randomSuffix(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(4))).toString('hex');
}

/** The scratch folders of builds: `sir-build-<pid>-<random>` in the temporary folder. */
const SCRATCH_PREFIX = 'sir-build-';

/**
 * Runs `work` with OUT created and a fresh scratch folder; the scratch folder is removed when the
 * work ends (synchronously or, for a promise, when it settles), and on failure so are the folders
 * the build made for OUT, when they are still empty.
 */
export function withScratch<T>(outDir: string, work: (scratch: string) => T): T {
  const created = mkdirSync(outDir, { recursive: true });
  removeAbandonedScratch();
  const scratch = mkdtempSync(join(tmpdir(), `${SCRATCH_PREFIX}${process.pid}-`));
  const cleanUp = (succeeded: boolean) => {
    rmSync(scratch, { recursive: true, force: true });
    if (!succeeded && created !== undefined) removeEmptyFolders(outDir, created);
  };
  let result: T;
  try {
    result = work(scratch);
  } catch (err) {
    cleanUp(false);
    throw err;
  }
  if (!(result instanceof Promise)) {
    cleanUp(true);
    return result;
  }
  return result.then(
    (value: unknown) => {
      cleanUp(true);
      return value;
    },
    (err: unknown) => {
      cleanUp(false);
      throw err;
    },
  ) as T;
}

/**
 * Has `write` create the index at a unique temporary path beside `target` (`write` removes what
 * it made if it fails), then renames it into place; returns what `write` returned.
 */
export function writeIndexFile<T>(target: string, write: (temp: string) => T): T {
  const temp = `${target}.${randomSuffix()}.tmp`;
  try {
    const result = write(temp);
    renameSync(temp, target);
    return result;
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/** Runs a write; a failure without a path (a write to an open file) is given `path`, for messages. */
export function writing<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (typeof e?.code === 'string' && e.path === undefined) e.path = path;
    throw err;
  }
}

/** Removes `dir` and its parents up to `top` while they are empty (the folders a failed build made). */
function removeEmptyFolders(dir: string, top: string): void {
  for (let d = dir; ; d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty: someone else's files are there
    }
    if (d === top || dirname(d) === d) return;
  }
}

/** Removes the scratch folders of builds whose process is gone (killed before it could clean up). */
function removeAbandonedScratch(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = new RegExp(`^${SCRATCH_PREFIX}(\\d+)-`).exec(name)?.[1];
    if (pid !== undefined && !processExists(Number(pid)))
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
