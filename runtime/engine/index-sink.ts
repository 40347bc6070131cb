/**
 * Where the engine writes an index (its `IndexFileSink`), so that no index is ever held whole in
 * WebAssembly's memory or in a Buffer. The engine appends the lazy sections (postings, positions, stored
 * document blocks: most of an index's bytes) as it produces them to a temporary file each, in the
 * build's scratch folder; at the end it appends the index file in order — header, section table,
 * core sections — and asks for each temporary file to be spliced in (copied a chunk at a time),
 * then writes the footer. Layout and checksums are the engine's (`index-core/src/segment/sink.rs`).
 * Staged files are named after the index they belong to (`segment-3.sir.positions.<random>.tmp`).
 */
import { closeSync, linkSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { randomSuffix, writing } from './build-files.js';

/** The engine's streams: the index file, and the lazy sections by their section kind. */
const FILE = 0;
const STAGED: Partial<Record<number, string>> = { 7: 'postings', 8: 'positions', 9: 'stored' };
const COPY_CHUNK = 4 << 20;

export interface IndexFileSink {
  append(stream: number, bytes: Uint8Array): void;
  splice(from: number): void;
}

/**
 * Runs `write` with a sink that writes the index file `path` (created; it must not exist), its lazy
 * sections staged in `scratch`, and returns the file's size. The staged files are removed however
 * it ends, and so is `path` when it fails. A write that fails (a full disk) is thrown as the system
 * error, with its path, rather than as the engine's report of it.
 */
export function writeIndexWith(
  path: string,
  scratch: string,
  write: (sink: IndexFileSink) => void,
): number {
  const staged = new Map<number, { path: string; fd: number }>();
  let fd: number | undefined;
  let size = 0;
  let failure: unknown;
  const attempt = <T>(file: string, op: () => T): T => {
    try {
      return writing(file, op);
    } catch (err) {
      failure ??= err;
      throw err;
    }
  };
  const unstage = (stream: number) => {
    const s = staged.get(stream);
    if (s === undefined) return;
    staged.delete(stream);
    closeSync(s.fd);
    rmSync(s.path, { force: true });
  };
  const sink: IndexFileSink = {
    append(stream, bytes) {
      if (stream === FILE) {
        attempt(path, () => writeAll((fd ??= openSync(path, 'wx')), bytes));
        size += bytes.length;
        return;
      }
      const name = STAGED[stream];
      if (name === undefined) throw new Error(`the engine named no stream ${stream}`);
      let s = staged.get(stream);
      if (s === undefined) {
        const file = join(scratch, `${basename(path)}.${name}.${randomSuffix()}.tmp`);
        s = { path: file, fd: attempt(file, () => openSync(file, 'wx+')) };
        staged.set(stream, s);
      }
      const { path: file, fd: staging } = s;
      attempt(file, () => writeAll(staging, bytes));
    },
    splice(from) {
      const s = staged.get(from);
      if (s !== undefined) {
        const out = attempt(path, () => (fd ??= openSync(path, 'wx')));
        size += appendFile(out, path, s.fd, s.path, attempt);
      }
      unstage(from);
    },
  };
  let ok = false;
  try {
    try {
      write(sink);
    } catch (err) {
      throw failure ?? err;
    }
    ok = true;
    return size;
  } finally {
    for (const stream of [...staged.keys()]) unstage(stream);
    if (fd !== undefined) {
      closeSync(fd);
      if (!ok) rmSync(path, { force: true });
    }
  }
}

/**
 * Gives the index file `from` (a segment in the scratch folder) the name `path` as well (created: it
 * must not exist); returns its size. A hard link where the two are on one file system, instead of
 * copying the file (4 ms of SciFact's 0.4 s build); a copy where the link is refused (another file
 * system, or one without links).
 */
export function linkIndexFile(from: string, path: string): number {
  try {
    linkSync(from, path);
  } catch {
    return copyIndexFile(from, path);
  }
  return statSync(path).size;
}

/**
 * Copies the index file `from` to `path` (created: it must not exist) a chunk at a time; returns
 * its size. `path` is removed if the copy fails.
 */
function copyIndexFile(from: string, path: string): number {
  const source = openSync(from, 'r');
  let out: number | undefined;
  let ok = false;
  try {
    out = writing(path, () => openSync(path, 'wx'));
    const size = appendFile(out, path, source, from, writing);
    ok = true;
    return size;
  } finally {
    closeSync(source);
    if (out !== undefined) {
      closeSync(out);
      if (!ok) rmSync(path, { force: true });
    }
  }
}

/** Appends the whole of file `from` to `out` (at its current position); returns the bytes. */
function appendFile(
  out: number,
  outPath: string,
  from: number,
  fromPath: string,
  attempt: <T>(file: string, op: () => T) => T,
): number {
  const buf = Buffer.allocUnsafe(COPY_CHUNK);
  let at = 0;
  for (;;) {
    const n = attempt(fromPath, () => readSync(from, buf, 0, buf.length, at));
    if (n === 0) return at;
    attempt(outPath, () => writeAll(out, buf.subarray(0, n)));
    at += n;
  }
}

/** Writes all of `bytes` at the file's current position. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
}
