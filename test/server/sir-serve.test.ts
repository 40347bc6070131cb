/**
 * `sir serve` as a process (bin/sir.mjs on an ephemeral port of 127.0.0.1): parser refusals and
 * timeouts as problem+json, a new client answered quickly while 200 connections keep it busy, and
 * a clean exit on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { tempDir } from '../fixtures/corpus.js';
import { buildFixtureIndex, fixtureDocs } from '../app/helpers.js';
import { rawRequest } from './raw-http.js';

const SIR = join(import.meta.dirname, '../../bin/sir.mjs');
const MAX_QUEUE_MS = 300;

describe('server: sir serve as a process', function () {
  this.timeout(120_000);
  let tmp: string;
  let child: ChildProcess;
  let port: number;

  before(async () => {
    tmp = tempDir('sir-serve-');
    const index = buildFixtureIndex(tmp, fixtureDocs(2000));
    child = spawn(
      process.execPath,
      [
        SIR,
        'serve',
        '--index',
        index,
        '--port',
        '0',
        '--headers-timeout',
        '2',
        '--max-queue-ms',
        String(MAX_QUEUE_MS),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d;
        const m = /API +http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', (code) => reject(new Error(`sir serve exited with ${code}: ${out}`)));
    });
    child.stdout!.resume();
    child.stderr!.resume();
  });
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses a NUL in a header and an unknown method with problem+json', async () => {
    const nul = await rawRequest(port, 'GET /health HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n');
    assert.equal(nul.status, 400);
    assert.match(nul.headers['content-type']!, /problem\+json/);
    const frob = await rawRequest(port, 'FROB / HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(frob.status, 405);
    assert.match(JSON.parse(frob.body).detail, /FROB/);
  });

  it('answers incomplete headers with 408 after --headers-timeout', async () => {
    const r = await rawRequest(port, 'GET /health HTTP/1.1\r\nHost: x\r\n');
    assert.equal(r.status, 408);
    assert.ok(r.ms >= 2_000 && r.ms < 4_000, `${r.ms} ms`);
  });

  it('answers a new client quickly (200, or 503 with Retry-After) while 200 connections keep it busy', async () => {
    const load = autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: 200,
      duration: 9,
      requests: [{ method: 'GET', path: '/search?q=union+liberty+discussed&size=10' }],
    });
    // The load's 200 connections arrive at once and are accepted one per event-loop turn; probes
    // start once they are in.
    await new Promise((r) => setTimeout(r, 3_000));
    const probes = [];
    for (let i = 0; i < 16; i++) {
      probes.push(
        rawRequest(port, 'GET /search?q=liberty HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', {
          capMs: 10_000,
        }),
      );
      await new Promise((r) => setTimeout(r, 250));
    }
    const [result, answers] = await Promise.all([load, Promise.all(probes)]);
    const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
    const summary = `probe ms ${ms.map(Math.round).join(' ')}; load ${result.requests.total} requests, ${result.non2xx} non-2xx, ${result.errors} errors`;
    for (const a of answers) {
      assert.ok(a.status === 200 || a.status === 503, `${a.status} ${a.body}; ${summary}`);
      if (a.status === 503) {
        assert.equal(a.headers['retry-after'], '1');
        assert.match(a.headers['content-type']!, /problem\+json/);
      }
    }
    // The queue bound plus the machine's noise: not the 6-10 s Node's defaults give (bench/OVERLOAD.md).
    assert.ok(ms[Math.floor(ms.length / 2)]! < 1_500, `median: ${summary}`);
    assert.ok(ms[ms.length - 1]! < 4_000, `max: ${summary}`);
    assert.equal(result.errors, 0, summary);
  });

  it('exits 0 on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
