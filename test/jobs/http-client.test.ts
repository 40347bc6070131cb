/**
 * `sir jobs --api`'s HTTP client against a server that is busy for a moment (503 with
 * `Retry-After`, as `sir serve`'s request queue answers while local workers hold the CPU, or an
 * `efs` stack's API while its reduce function resolves `live`): a GET — what `--watch` repeats —
 * and a submission — the same request is the same job — are asked again after the named time; a
 * retry is not (it would act twice), and a 503 without `Retry-After` is an error at once.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliError } from '../../runtime/cli/command.js';
import { HttpJobsApi } from '../../runtime/cli/jobs-target.js';

describe('sir jobs --api: a busy server', () => {
  let server: Server;
  let base: string;
  const seen: string[] = [];
  let busyFor = 0;
  let retryAfter: string | undefined = '0';

  before(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (busyFor > 0) {
        busyFor--;
        res.writeHead(503, {
          'content-type': 'application/problem+json',
          ...(retryAfter !== undefined ? { 'retry-after': retryAfter } : {}),
        });
        res.end(JSON.stringify({ status: 503, detail: 'the request waited behind others' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'eval-0123456789abcdef01234567', status: 'running' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    seen.length = 0;
    retryAfter = '0';
  });

  it('asks a GET again after Retry-After, until the server answers', async () => {
    busyFor = 3;
    const job = await new HttpJobsApi(base).get('eval-0123456789abcdef01234567');
    assert.equal(job.status, 'running');
    assert.equal(seen.length, 4);
  });

  it('submits again after Retry-After: the same request is the same job', async () => {
    busyFor = 2;
    const { job } = await new HttpJobsApi(base).submit({ kind: 'evaluate' });
    assert.equal(job.status, 'running');
    assert.deepEqual(seen, ['POST /jobs', 'POST /jobs', 'POST /jobs']);
  });

  it('does not repeat a retry, nor a 503 that names no time to wait', async () => {
    busyFor = 1;
    const id = 'eval-0123456789abcdef01234567';
    await assert.rejects(
      new HttpJobsApi(base).retry(id),
      (e: unknown) => e instanceof CliError && /waited behind others/.test(e.message),
    );
    assert.deepEqual(seen, [`POST /jobs/${id}/retry`]);
    busyFor = 1;
    retryAfter = undefined;
    await assert.rejects(new HttpJobsApi(base).get('eval-0123456789abcdef01234567'), CliError);
    assert.equal(seen.length, 2);
  });
});
