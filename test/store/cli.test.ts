import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { CliError, type CliIO, type Command } from '../../runtime/cli/command.js';
import { publishCommand } from '../../runtime/cli/commands/publish.js';
import { rollbackCommand } from '../../runtime/cli/commands/rollback.js';
import { versionsCommand } from '../../runtime/cli/commands/versions.js';
import { formatBytes } from '../../runtime/cli/progress.js';
import { flipByte, makeBuiltIndex, makeTemp, removeTemp } from './helpers.js';

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
  await assert.rejects(
    promise,
    (e: unknown) => e instanceof CliError && e.exitCode === exitCode && pattern.test(e.message),
  );
}

describe('store/CLI: sir publish, versions, rollback', () => {
  let tmp: string;
  let storeDir: string;
  let built: string[];
  beforeEach(async () => {
    tmp = await makeTemp();
    storeDir = path.join(tmp, 'store');
    built = [
      await makeBuiltIndex(tmp, 'b1', { 'index.sir': 'one', 'docs.bin': Buffer.alloc(2048) }),
      await makeBuiltIndex(tmp, 'b2', { 'index.sir': 'two' }),
    ];
  });
  afterEach(() => removeTemp(tmp));

  it('publishes, lists, and rolls back', async () => {
    const p1 = await run(publishCommand, ['--store', storeDir, '--index', built[0]!]);
    assert.equal(p1.code, 0);
    const id1 = /^published (\S+): 2 files, 2\.0 KB; now live \(first version\)\n$/.exec(
      p1.stdout,
    )?.[1];
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
      { version: undefined, previous: id1, files: 1, bytes: 3, pruned: [] },
    );

    const table = (await run(versionsCommand, ['--store', storeDir])).stdout.split('\n');
    assert.match(table[0]!, /^VERSION\s+CREATED\s+FILES\s+SIZE\s+STATUS$/);
    assert.match(table[1]!, new RegExp(`^${j2.version}\\s+\\S+Z\\s+1\\s+3 B\\s+live$`));
    assert.match(table[2]!, new RegExp(`^${id1}\\s+\\S+Z\\s+2\\s+2\\.0 KB\\s+rollback target$`));
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

  it('has full help text with usage, options and an example', () => {
    for (const c of [publishCommand, versionsCommand, rollbackCommand]) {
      assert.match(c.help, new RegExp(`^Usage: sir ${c.name} --store DIR`));
      assert.match(c.help, /Options:\n/);
      assert.match(c.help, /Example:\n {2}.*sir /);
      assert.ok(c.summary.length > 0 && c.summary.length < 80);
    }
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(12 * 1024 * 1024), '12.0 MB');
  });
});
