/**
 * `sir serve --store DIR` as a process on a store that does not exist yet: it starts, answers 503
 * problem+json "no index published yet" on search and /health, and serves the first version once
 * `sir publish` (also a process) makes it live — the same path the Lambda takes on a fresh EFS.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildFixtureIndex } from '../app/helpers.js';

const SIR = join(process.cwd(), 'bin/sir.mjs');

describe('cli: sir serve --store on a new store', function () {
  this.timeout(120_000);
  let tmp: string;
  let server: ChildProcess | undefined;
  let url: string;
  let storeDir: string;
  let output = '';

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'sir-serve-store-'));
    storeDir = join(tmp, 'new-store');
    server = spawn(process.execPath, [SIR, 'serve', '--store', storeDir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c));
    url = await new Promise<string>((resolve, reject) => {
      server!.stdout!.setEncoding('utf8').on('data', (c: string) => {
        output += c;
        const found = /API +(http:\/\/\S+)\/search/.exec(output);
        if (found && output.includes('no index published yet')) resolve(found[1]!);
      });
      server!.once('exit', (code) =>
        reject(new Error(`sir serve exited with ${code}:\n${output}`)),
      );
    });
  });

  after(() => {
    server?.kill('SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  });

  it('creates the store and says nothing is published yet', () => {
    assert.ok(existsSync(join(storeDir, 'versions')));
    assert.match(
      output,
      new RegExp(
        `no index published yet: search answers 503 until sir publish --store ${storeDir}`,
      ),
    );
  });

  it('answers 503 problem+json on search and /health until the first publish, then serves it', async () => {
    for (const path of ['/health', '/search?q=union']) {
      const r = await fetch(`${url}${path}`);
      assert.equal(r.status, 503, path);
      assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(r.headers.get('retry-after'), '5');
      const body = (await r.json()) as { detail: string };
      assert.equal(
        body.detail,
        // Jobs run beside a store by default, so a build job is the other way to publish.
        `no index published yet: run sir publish --store ${storeDir} --index BUILT, or submit a build job: sir jobs submit build --corpus FILE`,
      );
    }
    const published = await promisify(execFile)(process.execPath, [
      SIR,
      'publish',
      '--store',
      storeDir,
      '--index',
      buildFixtureIndex(tmp),
      '--json',
    ]);
    const version = (JSON.parse(published.stdout) as { version: string }).version;
    let health: { status?: string; version?: string } = {};
    for (let i = 0; i < 60 && health.version !== version; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const r = await fetch(`${url}/health`);
      if (r.status === 200) health = (await r.json()) as typeof health;
    }
    assert.equal(health.version, version, output);
    const search = await fetch(`${url}/search?q=union&size=2`);
    assert.equal(search.status, 200);
    assert.equal(((await search.json()) as { hits: unknown[] }).hits.length, 2);
  });
});
