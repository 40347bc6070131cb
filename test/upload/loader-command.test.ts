/**
 * The script SSM Run Command runs on the loader (`loaderCommandScript`), run by a real POSIX `sh`
 * against a bootstrap status file in each state: not ready is refused with a sentence `sir upload`
 * quotes (naming the step and the log), ready runs `sir loader-agent` with its arguments intact.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BOOTSTRAP_LOG_FILE,
  LOADER_NOT_READY_EXIT,
  loaderCommandScript,
} from '../../runtime/upload/loader-contract.js';
import { UploadError, agentOutcome } from '../../runtime/upload/index.js';
import type { LoaderTransport } from '../../runtime/upload/loader-transport.js';

describe('upload: the loader command and the bootstrap status', () => {
  let dir: string;
  let status: string;
  let sir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sir-loader-command-'));
    status = join(dir, 'bootstrap.status');
    sir = join(dir, 'sir');
    // A stand-in for the sir wrapper: prints each argument on its own line.
    writeFileSync(sir, '#!/bin/sh\nfor a in "$@"; do echo "arg:$a"; done\n');
    chmodSync(sir, 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]) =>
    spawnSync('sh', ['-c', loaderCommandScript(args, { statusFile: status, sir })], {
      encoding: 'utf8',
    });
  const transport = {
    description: 'loader instance i-0abc via SSM Run Command',
  } as LoaderTransport;
  /** What `sir upload` says about a failed run. */
  const said = (r: ReturnType<typeof run>) => {
    try {
      agentOutcome(
        { status: 'Failed', output: r.stdout, errorOutput: r.stderr, exitCode: r.status! },
        transport,
        'cmd-1',
      );
    } catch (err) {
      assert.ok(err instanceof UploadError);
      return err.message;
    }
    assert.fail('agentOutcome should throw for a failed run');
  };

  it('refuses to run before the bootstrap has started', () => {
    const r = run(['publish', '--version', 'up-1']);
    assert.equal(r.status, LOADER_NOT_READY_EXIT);
    assert.equal(r.stdout, '');
    assert.match(said(r), /has not started its bootstrap yet .*retry shortly/);
  });

  it('refuses while the bootstrap runs, naming the step', () => {
    writeFileSync(
      status,
      'state=running\nstep=install packages\ndetail=\nat=2026-01-01T00:00:00Z\n',
    );
    const r = run(['rollback']);
    assert.equal(r.status, LOADER_NOT_READY_EXIT);
    assert.match(said(r), /still bootstrapping \(step: install packages\); retry in a minute/);
  });

  it('refuses after a failed bootstrap, naming the step, what failed and the log', () => {
    writeFileSync(
      status,
      "state=failed\nstep=mount the index store\ndetail='mount -t efs' failed 10 times\nat=x\n",
    );
    const r = run(['publish', '--version', 'up-1']);
    assert.equal(r.status, LOADER_NOT_READY_EXIT);
    const message = said(r);
    assert.match(
      message,
      /bootstrap failed at step "mount the index store": 'mount -t efs' failed 10 times/,
    );
    assert.ok(message.includes(BOOTSTRAP_LOG_FILE), message);
  });

  it('runs sir loader-agent with its arguments intact once ready', () => {
    writeFileSync(status, 'state=ready\nstep=done\ndetail=\nat=x\n');
    const r = run(['publish', '--version', 'up-1', 'x y', "it's $HOME"]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      ['loader-agent', 'publish', '--version', 'up-1', 'x y', "it's $HOME"]
        .map((a) => `arg:${a}\n`)
        .join(''),
    );
  });
});
