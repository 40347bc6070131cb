import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  createManifest,
  readManifest,
  validateManifest,
  verifyVersion,
  writeManifest,
} from '../../runtime/store/manifest.js';
import { flipByte, makeBuiltIndex, makeTemp, rejectsWithCode, removeTemp } from './helpers.js';

describe('store/manifest', () => {
  let tmp: string;
  let dir: string;
  beforeEach(async () => {
    tmp = await makeTemp();
    dir = await makeBuiltIndex(tmp, 'v1', {
      'index.sir': 'postings',
      'b.bin': Buffer.alloc(70_000, 7),
      'seg/0.dat': 'segment zero',
    });
    await writeManifest(
      dir,
      await createManifest(dir, { version: 'v1', source: { tool: 'test' } }),
    );
  });
  afterEach(() => removeTemp(tmp));

  it('lists every file, nested ones with "/", sorted, with exact sizes and SHA-256', async () => {
    const m = await readManifest(dir);
    assert.equal(m.format, 'sir-store-manifest');
    assert.equal(m.formatVersion, 1);
    assert.equal(m.version, 'v1');
    assert.deepEqual(m.source, { tool: 'test' });
    assert.deepEqual(
      m.files.map((f) => f.path),
      ['b.bin', 'index.sir', 'seg/0.dat'],
    );
    assert.equal(m.files[0]!.bytes, 70_000);
    assert.equal(m.files[1]!.sha256, createHash('sha256').update('postings').digest('hex'));
  });

  it('verifies an intact version and returns its manifest', async () => {
    assert.equal((await verifyVersion(dir, { expectedVersion: 'v1' })).version, 'v1');
  });

  it('refuses a flipped byte, naming the file and the digests', async () => {
    await flipByte(path.join(dir, 'b.bin'), 12_345);
    await rejectsWithCode(
      verifyVersion(dir),
      'verification-failed',
      /file "b\.bin" has SHA-256 [0-9a-f]{64} but manifest\.json lists [0-9a-f]{64}/,
    );
  });

  it('refuses a truncated file, naming both sizes', async () => {
    await fs.truncate(path.join(dir, 'b.bin'), 100);
    await rejectsWithCode(
      verifyVersion(dir),
      'verification-failed',
      /file "b\.bin" is 100 bytes but manifest\.json lists 70000 bytes/,
    );
  });

  it('refuses an unlisted extra file, nested or not', async () => {
    await fs.writeFile(path.join(dir, 'seg', 'extra.dat'), 'x');
    await rejectsWithCode(
      verifyVersion(dir),
      'verification-failed',
      /unlisted file "seg\/extra\.dat"/,
    );
  });

  it('refuses a missing file', async () => {
    await fs.rm(path.join(dir, 'index.sir'));
    await rejectsWithCode(
      verifyVersion(dir),
      'verification-failed',
      /file "index\.sir" listed in manifest\.json is missing/,
    );
  });

  it('refuses a folder whose manifest names another version', async () => {
    await rejectsWithCode(
      verifyVersion(dir, { expectedVersion: 'v2' }),
      'verification-failed',
      /names version "v1" but the folder is for version "v2"/,
    );
  });

  it('refuses a missing, non-JSON or malformed manifest with the reason', async () => {
    const file = path.join(dir, 'manifest.json');
    await fs.writeFile(file, '{not json');
    await rejectsWithCode(readManifest(dir), 'invalid-manifest', /not valid JSON/);
    await fs.rm(file);
    await rejectsWithCode(readManifest(dir), 'invalid-manifest', /is missing/);
    const good = {
      format: 'sir-store-manifest',
      formatVersion: 1,
      version: 'v1',
      createdAt: new Date().toISOString(),
      files: [],
    };
    assert.throws(
      () => validateManifest({ ...good, formatVersion: 2 }, 'm'),
      /formatVersion.*reads format version 1/,
    );
    assert.throws(() => validateManifest({ ...good, version: '../x' }, 'm'), /not valid/);
    const f = { bytes: 1, sha256: 'a'.repeat(64) };
    assert.throws(
      () => validateManifest({ ...good, files: [{ path: '../etc/passwd', ...f }] }, 'm'),
      /relative/,
    );
    assert.throws(
      () =>
        validateManifest(
          {
            ...good,
            files: [
              { path: 'b', ...f },
              { path: 'a', ...f },
            ],
          },
          'm',
        ),
      /sorted/,
    );
    assert.throws(
      () => validateManifest({ ...good, files: [{ path: 'a', bytes: -1, sha256: f.sha256 }] }, 'm'),
      /non-negative/,
    );
  });

  it('refuses a symlink inside a version', async function () {
    if (process.platform === 'win32') this.skip();
    await fs.symlink('/etc/hostname', path.join(dir, 'link'));
    await rejectsWithCode(
      verifyVersion(dir),
      'invalid-source',
      /neither a regular file nor a folder/,
    );
  });
});
