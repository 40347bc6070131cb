/**
 * Every file-system failure of `sir` is one line on stderr with the right exit code (2 for a flag
 * naming the wrong kind of path, 1 for a failed operation) and leaves nothing behind: a path
 * that is a file where a folder is expected or the other way round (EEXIST, ENOTDIR, EISDIR), a
 * missing file (ENOENT), a folder the user may not write (EACCES, run as `nobody`), a full disk
 * during `sir index` and `sir publish` (ENOSPC, on a real 256 KiB tmpfs), and a reader that closes
 * the pipe early (EPIPE). EACCES and ENOSPC need root (to switch user and to mount); elsewhere
 * they are skipped, saying so.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsErrorSentence, toCliError } from '../../runtime/cli/errors.js';
import { buildIndex } from '../../runtime/engine/index.js';
import {
  syntheticDocs,
  tempDir,
  TINY_CORPUS,
  TWO_THREAD_DOCS,
  writeCorpus,
} from '../fixtures/corpus.js';
import { SIR, sir, sirChild } from '../fixtures/sir.js';

/**
 * Asserts the exit code and that the failure is one line `sir CMD: ...` matching `pattern`, the
 * last thing on stderr (progress lines may come before it), with no stack trace.
 */
function oneLine(r: { code: number; stderr: string }, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  const last = r.stderr.slice(r.stderr.lastIndexOf('\n', r.stderr.length - 2) + 1);
  assert.match(last, /^sir [a-z-]+: [^\n]+\n$/, `ends in one line: ${JSON.stringify(r.stderr)}`);
  assert.match(last, pattern);
  assert.equal(r.stderr.match(/^sir [a-z-]+: /gm)?.length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

/** This process's build scratch folders (a build that cleans up leaves none). */
const scratchFolders = () =>
  readdirSync(tmpdir()).filter((n) => n.startsWith(`sir-build-${process.pid}-`));

const isRoot = process.getuid?.() === 0;

describe('sir CLI: file-system failures', function () {
  this.timeout(120_000);
  let dir: string;
  let corpus: string;
  let index: string;
  before(() => {
    dir = tempDir();
    corpus = writeCorpus(TINY_CORPUS, dir);
    index = join(dir, 'idx');
    buildIndex(corpus, index);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--out at an existing file or inside one (EEXIST, ENOTDIR): exit 2, the file untouched', async () => {
    const file = join(dir, 'a-file.txt');
    writeFileSync(file, 'mine');
    oneLine(
      await sir(['index', corpus, '--out', file]),
      2,
      /--out .*a-file\.txt is a file; give a folder/,
    );
    oneLine(
      await sir(['index', corpus, '--out', join(file, 'idx')]),
      2,
      /--out .*a-file\.txt\/idx lies inside a file/,
    );
    assert.equal(readFileSync(file, 'utf8'), 'mine');
  });

  it('--stopwords naming a folder or nothing (EISDIR, ENOENT): exit 2', async () => {
    oneLine(
      await sir(['index', corpus, '--out', join(dir, 'o1'), '--stopwords', dir]),
      2,
      /--stopwords must be lucene, none or a file of words, one per line; .* is a folder/,
    );
    oneLine(
      await sir(['index', corpus, '--out', join(dir, 'o2'), '--stopwords', join(dir, 'nope')]),
      2,
      /does not exist/,
    );
    assert.equal(existsSync(join(dir, 'o1')), false);
  });

  it('an index.sir that is a folder, and a corpus that is one (EISDIR): exit 1', async () => {
    const fake = join(dir, 'fake-index');
    mkdirSync(join(fake, 'index.sir'), { recursive: true });
    oneLine(
      await sir(['search', '--index', fake, 'tax']),
      1,
      /no index in .*: .*index\.sir is a folder, not an index file/,
    );
    oneLine(
      await sir(['index', dir, '--out', join(dir, 'o3')]),
      1,
      /the corpus .* is a folder; give a JSONL file/,
    );
  });

  it('a CURRENT that is a folder: every store command says so, and nothing is written', async () => {
    const store = join(dir, 'store-current-folder');
    mkdirSync(join(store, 'CURRENT', 'keep-me'), { recursive: true });
    for (const args of [
      ['versions', '--store', store],
      ['publish', '--store', store, '--index', index],
      ['rollback', '--store', store],
      ['index', corpus, '--store', store],
    ])
      oneLine(await sir(args), 1, /CURRENT is a folder; it must be a file/);
    assert.deepEqual(readdirSync(join(store, 'CURRENT')), ['keep-me']);
    assert.deepEqual(readdirSync(store).sort(), ['CURRENT']);
  });

  it('missing files (ENOENT): one line naming the file', async () => {
    oneLine(
      await sir(['run', '--index', index, '--queries', join(dir, 'nope.tsv'), '--out', 'x']),
      1,
      /^sir run: cannot open .*nope\.tsv: it does not exist \(ENOENT\)\n$/,
    );
    oneLine(
      await sir(['publish', '--store', join(dir, 's'), '--index', join(dir, 'nope')]),
      1,
      /the index to publish, .*nope, is not a folder/,
    );
  });

  it('every file-system error class reads as one sentence with its code and path', () => {
    for (const code of ['ENOENT', 'EEXIST', 'EISDIR', 'ENOTDIR', 'EACCES', 'ENOSPC', 'EPIPE']) {
      const err = Object.assign(new Error(`${code}: raw`), {
        code,
        syscall: 'write',
        path: '/data/index.sir',
      });
      const failure = toCliError(err);
      assert.ok(failure, code);
      assert.equal(failure.exitCode, 1);
      assert.equal(failure.message, fsErrorSentence(err));
      assert.match(
        failure.message,
        new RegExp(`^cannot write /data/index\\.sir: [a-z ,/-]+ \\(${code}\\)$`),
      );
    }
    assert.equal(toCliError(new TypeError('a bug')), undefined, 'a bug keeps its stack trace');
  });

  it('EACCES: a folder the user may not write (as nobody): one line, nothing left', async function () {
    if (!isRoot) this.skip(); // switching to another user needs root
    const shared = tempDir('sir-eacces-');
    chmodSync(shared, 0o755);
    const readable = join(shared, 'corpus.jsonl');
    writeFileSync(readable, readFileSync(corpus));
    chmodSync(readable, 0o644);
    const asNobody = async (args: string[]) => {
      const c = sirChild(args, { HOME: tmpdir() }, { uid: 65534, gid: 65534 });
      const code = await c.exit;
      return { code: code ?? -1, stderr: c.output() };
    };
    oneLine(
      await asNobody(['index', readable, '--out', join(shared, 'out')]),
      1,
      /^sir index: cannot create the folder .*out: permission denied \(EACCES\)\n$/,
    );
    oneLine(
      await asNobody(['publish', '--store', join(shared, 'store'), '--index', index]),
      1,
      /permission denied \(EACCES\)/,
    );
    assert.deepEqual(readdirSync(shared), ['corpus.jsonl']);
    rmSync(shared, { recursive: true, force: true });
  });

  describe('ENOSPC: a full disk (a 256 KiB tmpfs)', () => {
    let disk: string;
    let big: string;
    let bigIndex: string;
    before(function () {
      disk = tempDir('sir-enospc-');
      const mounted =
        isRoot &&
        spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', disk]).status === 0;
      if (!mounted) this.skip(); // mounting a tmpfs needs root
      big = writeCorpus(syntheticDocs(3000), dir);
      bigIndex = join(dir, 'big-index');
      buildIndex(big, bigIndex);
    });
    after(() => {
      if (disk) spawnSync('umount', [disk]);
      if (disk) rmSync(disk, { recursive: true, force: true });
    });

    it('sir index: writing the index fails in one line; no temporary file is left', async () => {
      const out = join(disk, 'idx');
      oneLine(
        await sir(['index', big, '--out', out]),
        1,
        /^sir index: cannot write .*idx\/index\.sir\.[0-9a-f]+\.tmp: no space left on the device \(ENOSPC\)\n$/,
      );
      assert.equal(existsSync(out), false, 'the folder the build made is removed');
      assert.deepEqual(readdirSync(disk), []);
      assert.deepEqual(scratchFolders(), []);
    });

    it('sir index: the merged index filling the disk fails in one line; nothing is left', async () => {
      // Segments and the merge's staged sections in the (roomy) scratch folder; the index on the
      // full disk, written as the merge streams it.
      const out = join(disk, 'merged');
      oneLine(
        await sir(['index', big, '--out', out, '--memory-mb', '1']),
        1,
        /^sir index: cannot write .*merged\/index\.sir\.[0-9a-f]+\.tmp: no space left on the device \(ENOSPC\)\n$/,
      );
      assert.equal(existsSync(out), false, 'the folder the build made is removed');
      assert.deepEqual(readdirSync(disk), []);
      assert.deepEqual(scratchFolders(), []);
    });

    it('sir index: scratch space filling up fails in one line and is removed', async () => {
      const previous = process.env.TMPDIR;
      process.env.TMPDIR = disk;
      try {
        oneLine(
          await sir(['index', big, '--out', join(dir, 'spill-out'), '--memory-mb', '1']),
          1,
          /no space left on the device \(ENOSPC\)/,
        );
      } finally {
        if (previous === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = previous;
      }
      assert.deepEqual(readdirSync(disk), []);
      assert.equal(existsSync(join(dir, 'spill-out', 'index.sir')), false);
    });

    it('sir index --threads 2: a worker filling the scratch space fails in one line, as one thread does', async () => {
      // Large enough for two workers, which spill. As a process, so that only the build sees
      // TMPDIR (the sources' compile cache is kept beside the dependencies; tsx, which runs them
      // on Node 22, is told to cache nothing).
      const large = writeCorpus(syntheticDocs(TWO_THREAD_DOCS), tempDir());
      const out = join(dir, 'threads-out');
      const c = sirChild(['index', large, '--out', out, '--threads', '2'], {
        TMPDIR: disk,
        TSX_DISABLE_CACHE: '1',
      });
      oneLine(
        { code: (await c.exit) ?? -1, stderr: c.output() },
        1,
        // The segment, or one of its lazy sections staged beside it while it is written.
        /^sir index: cannot write .*segment-\d+\.sir(\.(postings|positions|stored)\.[0-9a-f]+\.tmp)?: no space left on the device \(ENOSPC\)\n$/,
      );
      assert.deepEqual(readdirSync(disk), []);
      assert.equal(existsSync(out), false, 'the folder the build made is removed');
    });

    it('sir publish: the copy fails in one line; the live version and the store are unchanged', async () => {
      const store = join(disk, 'store');
      assert.equal((await sir(['publish', '--store', store, '--index', index])).code, 0);
      const live = readFileSync(join(store, 'CURRENT'), 'utf8');
      oneLine(
        await sir(['publish', '--store', store, '--index', bigIndex]),
        1,
        /^sir publish: cannot (copy|write|flush) .*: no space left on the device \(ENOSPC\)\n$/,
      );
      assert.equal(readFileSync(join(store, 'CURRENT'), 'utf8'), live);
      assert.equal(readdirSync(join(store, 'versions')).length, 1);
      assert.deepEqual(readdirSync(join(store, '.partial')), []);
      assert.deepEqual(
        readdirSync(store).filter((n) => n.endsWith('.tmp')),
        [],
      );
    });
  });

  it('EPIPE: output piped into a reader that closes early ends quietly with status 0', async () => {
    const many = join(dir, 'many');
    buildIndex(writeCorpus(syntheticDocs(2000), dir), many);
    const child = spawn(
      process.execPath,
      [SIR, 'search', '--index', many, '--json', '--k', '2000', 'w1 w2'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // Like `| head -c 100`: read one chunk, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });
});
