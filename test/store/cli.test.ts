import assert from 'node:assert/strict';
import { promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIO, Command } from '../../runtime/cli/command.js';
import { toCliError } from '../../runtime/cli/errors.js';
import { publishCommand } from '../../runtime/cli/commands/publish.js';
import { rollbackCommand } from '../../runtime/cli/commands/rollback.js';
import { versionsCommand } from '../../runtime/cli/commands/versions.js';
import { formatBytes } from '../../runtime/cli/progress.js';
import { INDEX_FILE, buildIndex } from '../../runtime/engine/index.js';
import { TINY_CORPUS, writeCorpus } from '../fixtures/corpus.js';
import { flipByte, makeBuiltIndex, makeTemp, removeTemp } from './helpers.js';

/** A real index built from `docs` into `parent/name`. */
function realIndex(parent: string, name: string, docs: object[]): string {
  const dir = path.join(parent, name);
  buildIndex(writeCorpus(docs, parent), dir);
  return dir;
}

/** Bytes of the index file of a built folder, and how the commands print them (as a regex). */
const bytesOf = (dir: string) => statSync(path.join(dir, INDEX_FILE)).size;
const shown = (dir: string) => formatBytes(bytesOf(dir)).replace('.', '\\.');

/** Runs a command with captured stdout/stderr. */
async function run(
  command: Command,
  argv: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const code = await command.run(argv, { stdout, stderr } as CliIO);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

async function rejectsCli(
  promise: Promise<unknown>,
  exitCode: 1 | 2,
  pattern: RegExp,
): Promise<void> {
  // As `sir` prints it: through the one translation of failures in runtime/cli/errors.ts.
  await assert.rejects(promise, (e: unknown) => {
    const failure = toCliError(e);
    assert.ok(failure, `not a failure sir prints in one line: ${String(e)}`);
    assert.equal(failure.exitCode, exitCode, failure.message);
    assert.match(failure.message, pattern);
    return true;
  });
}

describe('store/CLI: sir publish, versions, rollback', () => {
  let tmp: string;
  let storeDir: string;
  let built: string[];
  beforeEach(async () => {
    tmp = await makeTemp();
    storeDir = path.join(tmp, 'store');
    built = [realIndex(tmp, 'b1', TINY_CORPUS), realIndex(tmp, 'b2', TINY_CORPUS.slice(0, 1))];
  });
  afterEach(() => removeTemp(tmp));

  it('publishes, lists, and rolls back', async () => {
    const p1 = await run(publishCommand, ['--store', storeDir, '--index', built[0]!]);
    assert.equal(p1.code, 0);
    const id1 = new RegExp(
      `^published (\\S+): 1 files, ${shown(built[0]!)}; now live \\(first version\\)\n$`,
    ).exec(p1.stdout)?.[1];
    assert.ok(id1, p1.stdout);
    const p2 = await run(publishCommand, ['--store', storeDir, '--index', built[1]!, '--json']);
    const j2 = JSON.parse(p2.stdout) as {
      version: string;
      previous: string;
      files: number;
      bytes: number;
      pruned: string[];
    };
    assert.deepEqual(
      { ...j2, version: undefined },
      { version: undefined, previous: id1, files: 1, bytes: bytesOf(built[1]!), pruned: [] },
    );

    const table = (await run(versionsCommand, ['--store', storeDir])).stdout.split('\n');
    assert.match(table[0]!, /^VERSION\s+CREATED\s+FILES\s+SIZE\s+STATUS$/);
    assert.match(
      table[1]!,
      new RegExp(`^${j2.version}\\s+\\S+Z\\s+1\\s+${shown(built[1]!)}\\s+live$`),
    );
    assert.match(
      table[2]!,
      new RegExp(`^${id1}\\s+\\S+Z\\s+1\\s+${shown(built[0]!)}\\s+rollback target$`),
    );
    const listed = JSON.parse(
      (await run(versionsCommand, ['--store', storeDir, '--json'])).stdout,
    ) as { version: string; live: boolean }[];
    assert.deepEqual(
      listed.map((v) => [v.version, v.live]),
      [
        [j2.version, true],
        [id1, false],
      ],
    );

    const r = await run(rollbackCommand, ['--store', storeDir]);
    assert.equal(r.stdout, `rolled back: ${id1} is live again (was ${j2.version})\n`);
    assert.deepEqual(
      JSON.parse((await run(rollbackCommand, ['--store', storeDir, '--json'])).stdout),
      { version: j2.version, previous: id1 },
    );
  });

  it('applies --keep and reports what it removed', async () => {
    await run(publishCommand, ['--store', storeDir, '--index', built[0]!]);
    await run(publishCommand, ['--store', storeDir, '--index', built[1]!]);
    const p3 = await run(publishCommand, [
      '--store',
      storeDir,
      '--index',
      built[0]!,
      '--keep',
      '1',
    ]);
    assert.match(p3.stdout, /\nremoved old versions: \S+\n$/);
  });

  it('says how to start when the store is empty', async () => {
    assert.match(
      (await run(versionsCommand, ['--store', storeDir])).stdout,
      /^no versions in .*; publish one with: sir publish --store/,
    );
  });

  it('turns bad usage into exit code 2 naming the flag', async () => {
    await rejectsCli(run(publishCommand, ['--index', built[0]!]), 2, /--store DIR is required/);
    await rejectsCli(run(publishCommand, ['--store', storeDir]), 2, /--index BUILT is required/);
    await rejectsCli(
      run(publishCommand, ['--store', storeDir, '--index', built[0]!, '--keep', '0']),
      2,
      /--keep must be an integer from 1/,
    );
    await rejectsCli(
      run(versionsCommand, ['--store', storeDir, '--bogus']),
      2,
      /unknown option '--bogus'/,
    );
    await rejectsCli(run(versionsCommand, ['--store', storeDir, 'extra']), 2, /extra/);
    // --stack now rolls back on the loader (issue 5, test/upload/); it does not mix with --store.
    await rejectsCli(
      run(rollbackCommand, ['--stack', 'dev', '--store', storeDir]),
      2,
      /either --store DIR .* or --stack NAME/,
    );
  });

  it('turns store failures into exit code 1 with the store sentence', async () => {
    await rejectsCli(
      run(publishCommand, ['--store', storeDir, '--index', path.join(tmp, 'missing')]),
      1,
      /^index store: .* is not a folder/,
    );
    await rejectsCli(run(rollbackCommand, ['--store', storeDir]), 1, /nothing is live/);
    await run(publishCommand, ['--store', storeDir, '--index', built[0]!]);
    const first = (await fs.readFile(path.join(storeDir, 'CURRENT'), 'utf8')).trim();
    await run(publishCommand, ['--store', storeDir, '--index', built[1]!]);
    await flipByte(path.join(storeDir, 'versions', first, 'index.sir'));
    await rejectsCli(
      run(rollbackCommand, ['--store', storeDir]),
      1,
      /file "index\.sir" has SHA-256/,
    );
  });

  it('refuses to publish a folder whose index.sir is not an index; CURRENT is unchanged', async () => {
    await run(publishCommand, ['--store', storeDir, '--index', built[0]!]);
    const live = await fs.readFile(path.join(storeDir, 'CURRENT'), 'utf8');
    const notIndex = await makeBuiltIndex(tmp, 'fake', { 'index.sir': 'not an index at all' });
    await rejectsCli(
      run(publishCommand, ['--store', storeDir, '--index', notIndex]),
      1,
      /^index store: version "\S+" is not a usable index \(.*\); it was not made live$/,
    );
    const folder = await makeBuiltIndex(tmp, 'folder', { 'index.sir/inside': 'x' });
    await rejectsCli(
      run(publishCommand, ['--store', storeDir, '--index', folder]),
      1,
      /its index\.sir is a folder, not an index file/,
    );
    assert.equal(await fs.readFile(path.join(storeDir, 'CURRENT'), 'utf8'), live);
    assert.equal((await fs.readdir(path.join(storeDir, 'versions'))).length, 1);
    assert.deepEqual(await fs.readdir(path.join(storeDir, '.partial')), []);
  });

  it('has full help text with usage, options and an example', () => {
    for (const [name, c] of [
      ['publish', publishCommand],
      ['versions', versionsCommand],
      ['rollback', rollbackCommand],
    ] as const) {
      assert.match(c.help, new RegExp(`^Usage: sir ${name} --store DIR`));
      assert.match(c.help, /Options:\n/);
      assert.match(c.help, /Example:\n {2}.*sir /);
    }
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(12 * 1024 * 1024), '12.0 MB');
  });
});
