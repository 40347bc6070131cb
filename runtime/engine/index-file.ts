/**
 * The engine's view of an index file: its size and positional reads. The engine reads the core of
 * an index once at open and the rest (postings, positions, stored document blocks) a piece at a time while
 * serving, so an open index keeps its file open: `close()` when the index is freed.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface IndexFileReader {
  /** The file's size in bytes. */
  readonly size: number;
  /** Fills `into` with the bytes at `offset`; throws on a short read. */
  readAt(offset: number, into: Uint8Array): void;
  /** Bytes read so far. */
  readonly bytesRead: number;
  /**
   * The operating system's error of the last read that failed, cleared by taking it: the engine
   * reports any failed read as a damaged index, and this tells the caller when it was the file
   * that went away instead (ENOENT, ESTALE on NFS/EFS once the file is deleted).
   */
  takeReadError(): NodeJS.ErrnoException | undefined;
  close(): void;
}

/** Positional reads of the file at `path` through one file descriptor. */
export function fileReader(path: string): IndexFileReader {
  const fd = openSync(path, 'r');
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  let bytesRead = 0;
  let open = true;
  let readError: NodeJS.ErrnoException | undefined;
  const read = (into: Uint8Array, at: number, length: number, position: number) => {
    try {
      return readSync(fd, into, at, length, position);
    } catch (err) {
      readError = err as NodeJS.ErrnoException;
      throw err;
    }
  };
  return {
    size,
    get bytesRead() {
      return bytesRead;
    },
    takeReadError() {
      const e = readError;
      readError = undefined;
      return e;
    },
    readAt(offset: number, into: Uint8Array) {
      let done = 0;
      while (done < into.length) {
        const n = read(into, done, into.length - done, offset + done);
        if (n === 0)
          throw new Error(`${path} ends at ${offset + done}, before ${offset + into.length}`);
        done += n;
      }
      bytesRead += done;
    },
    close() {
      if (open) {
        open = false;
        closeSync(fd);
      }
    },
  };
}

/** How many windows `sequentialFileReader` keeps, and their largest size. */
const WINDOWS = 3;
const MAX_WINDOW_BYTES = 256 << 10;

/**
 * `fileReader` for a reader that goes through the file in order, as a merge does (each segment's
 * core, then its stored blocks a block at a time): a read is served from one of a few windows of
 * the file, each filled by one system call, instead of a call per block. It holds at most
 * `WINDOWS` windows of `windowBytes` (at most 256 KiB; a merge of many segments gives each less);
 * reads larger than a window go straight to the file — as the engine's own reads of postings and
 * positions do, through its larger windows (`InOrderReads`). Queries jump about the file and keep
 * `fileReader`.
 */
export function sequentialFileReader(
  path: string,
  windowBytes = MAX_WINDOW_BYTES,
): IndexFileReader {
  const window = Math.min(MAX_WINDOW_BYTES, Math.max(1, Math.floor(windowBytes)));
  const file = fileReader(path);
  // Most recently used first.
  const windows: { start: number; bytes: Uint8Array }[] = [];
  return {
    size: file.size,
    get bytesRead() {
      return file.bytesRead;
    },
    takeReadError: () => file.takeReadError(),
    readAt(offset: number, into: Uint8Array) {
      if (into.length > window) return file.readAt(offset, into);
      const end = offset + into.length;
      let i = windows.findIndex((w) => offset >= w.start && end <= w.start + w.bytes.length);
      if (i < 0) {
        if (end > file.size) throw new Error(`${path} ends at ${file.size}, before ${end}`);
        const buffer =
          windows.length < WINDOWS ? new ArrayBuffer(window) : windows.pop()!.bytes.buffer;
        const bytes = new Uint8Array(buffer, 0, Math.min(window, file.size - offset));
        file.readAt(offset, bytes);
        windows.unshift({ start: offset, bytes });
      } else if (i > 0) windows.unshift(...windows.splice(i, 1));
      const w = windows[0]!;
      into.set(w.bytes.subarray(offset - w.start, end - w.start));
    },
    close: () => file.close(),
  };
}

/** Positional reads of an index already in memory. */
export function bufferReader(bytes: Uint8Array): IndexFileReader {
  let bytesRead = 0;
  return {
    size: bytes.length,
    get bytesRead() {
      return bytesRead;
    },
    readAt(offset: number, into: Uint8Array) {
      if (offset + into.length > bytes.length)
        throw new Error(`the index ends at ${bytes.length}, before ${offset + into.length}`);
      into.set(bytes.subarray(offset, offset + into.length));
      bytesRead += into.length;
    },
    takeReadError: () => undefined,
    close() {},
  };
}
