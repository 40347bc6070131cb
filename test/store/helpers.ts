/** Shared fixtures for the store tests: temp folders, small built indexes, a capturing logger. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LogFields, Logger } from '../../runtime/store/index.js';

/** A fresh temp folder; remove it with `removeTemp`. */
export function makeTemp(prefix = 'sir-store-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export function removeTemp(dir: string): Promise<void> {
  return fs.rm(dir, { recursive: true, force: true });
}

/** Writes `files` (relative path → content) into a new folder under `parent` and returns it. */
export async function makeBuiltIndex(
  parent: string,
  name: string,
  files: Record<string, string | Buffer>,
): Promise<string> {
  const dir = path.join(parent, name);
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, ...rel.split('/'));
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content);
  }
  return dir;
}

/** Flips one bit of the byte at `offset` of `file`, keeping its size. */
export async function flipByte(file: string, offset = 0): Promise<void> {
  const data = await fs.readFile(file);
  data[offset] = data[offset]! ^ 0x01;
  await fs.writeFile(file, data);
}

export interface LogRecord {
  level: 'info' | 'warn' | 'error';
  msg: string;
  fields: LogFields | undefined;
}

/** A logger that keeps what it is given, for assertions. */
export function captureLogger(): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  return {
    records,
    info: (msg, fields) => records.push({ level: 'info', msg, fields }),
    warn: (msg, fields) => records.push({ level: 'warn', msg, fields }),
    error: (msg, fields) => records.push({ level: 'error', msg, fields }),
  };
}

/** Asserts that `promise` rejects with a StoreError of `code` whose message matches `pattern`. */
export async function rejectsWithCode(
  promise: Promise<unknown>,
  code: string,
  pattern?: RegExp,
): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.name !== 'StoreError' || e.code !== code)
      throw new Error(`expected StoreError ${code}, got ${e.name} ${e.code}: ${e.message}`);
    if (pattern && !pattern.test(e.message))
      throw new Error(`message ${JSON.stringify(e.message)} does not match ${pattern}`);
    return e;
  }
  throw new Error(`expected a StoreError ${code}, but it resolved`);
}
