/**
 * The loader's user data, run for real by bash under a temporary root, with stand-ins on PATH for
 * what only an EC2 instance has (dnf, the EFS mount, swap, the S3 download, sleep): the happy path
 * installs a working `sir` from the built loader bundle, flaky network steps are retried with
 * backoff, and a step that keeps failing leaves a `failed` status naming it — which the agent
 * command then reports instead of running.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { zipSync } from 'fflate';
import {
  LOADER_PACKAGES,
  MOUNT_ATTEMPTS,
  NETWORK_ATTEMPTS,
  loaderUserData,
} from '../../infra/loader-user-data.js';
import {
  BOOTSTRAP_STATUS_FILE,
  LOADER_ENV_FILE,
  LOADER_NOT_READY_EXIT,
  LOADER_SIR,
  LOADER_TOOLING_KEY,
  STAGING_PREFIX,
  loaderCommandScript,
  renderLoaderEnv,
} from '../../runtime/upload/loader-contract.js';
import { buildLoaderTooling } from '../../scripts/build-lambdas.js';

const ARGS = {
  fileSystemId: 'fs-1',
  accessPointId: 'fsap-1',
  mountPath: '/mnt/index',
  region: 'us-east-1',
  stagingBucket: 'sir-staging',
  stagingPrefix: STAGING_PREFIX,
  toolingKey: LOADER_TOOLING_KEY,
  toolingVersion: 'etag-1',
  versionsToKeep: 4,
};

/** Every file under `dir`, as `{ relative path: contents }`, the way Pulumi's FileArchive zips a folder. */
function zipFolder(dir: string): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files[relative(dir, p)] = readFileSync(p);
    }
  };
  walk(dir);
  return zipSync(files);
}

describe('infra: the loader user data, run by bash', function () {
  this.timeout(120_000);
  let tmp: string;
  let toolingZip: string;
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'sir-user-data-'));
    await buildLoaderTooling(() => {});
    toolingZip = join(tmp, 'sir-loader.zip');
    writeFileSync(toolingZip, zipFolder(join(process.cwd(), 'dist/loader')));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  /**
   * Runs the script under a fresh root. `failures` says how many times each stand-in fails before it
   * succeeds (Infinity: always). Stand-ins log their calls to `calls.log`.
   */
  function boot(failures: { dnf?: number; mount?: number; aws?: number; unzip?: number } = {}) {
    const root = mkdtempSync(join(tmp, 'root-'));
    const bin = join(root, 'stub-bin');
    mkdirSync(bin);
    const log = join(root, 'calls.log');
    const counter = (name: string) => join(root, `${name}.count`);
    const stub = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/bash\necho "${name} $*" >> '${log}'\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    const flaky = (name: string, times: number | undefined, onSuccess = 'exit 0') => {
      const limit = times === undefined ? 0 : times === Infinity ? 1_000_000 : times;
      stub(
        name,
        `n=$(cat '${counter(name)}' 2>/dev/null || echo 0); echo $((n + 1)) > '${counter(name)}'
if [ "$n" -lt ${limit} ]; then echo "${name}: simulated failure" >&2; exit 1; fi
${onSuccess}`,
      );
    };
    flaky('dnf', failures.dnf);
    flaky('mount', failures.mount, `touch '${root}/mounted'`);
    flaky('aws', failures.aws, `cp '${toolingZip}' "$4"`);
    if (failures.unzip !== undefined) flaky('unzip', failures.unzip);
    stub('mountpoint', `test -e '${root}/mounted'`);
    stub('dd', 'for a in "$@"; do case "$a" in of=*) touch "${a#of=}";; esac; done');
    stub('mkswap', 'exit 0');
    stub('swapon', 'exit 0');
    stub('sleep', 'exit 0');
    for (const dir of ['etc', 'tmp']) mkdirSync(join(root, dir), { recursive: true });
    const script = loaderUserData({ ...ARGS, root });
    const run = spawnSync('bash', ['-c', script], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      encoding: 'utf8',
    });
    const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
    const status = Object.fromEntries(
      readFileSync(join(root, BOOTSTRAP_STATUS_FILE), 'utf8')
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    return { root, run, calls, status };
  }

  it('fits EC2 user data (16 KB) and needs no key pair or SSH', () => {
    const script = loaderUserData(ARGS);
    assert.ok(Buffer.byteLength(script) < 16 * 1024);
    assert.doesNotMatch(script, /authorized_keys|ssh-rsa|sshd/);
  });

  it('boots: swap first, then packages, EFS over TLS and IAM through the access point, settings, sir; status ready', () => {
    const { root, run, calls, status } = boot();
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.equal(status['state'], 'ready');
    const order = calls.map((c) => c.split(' ')[0]);
    assert.ok(order.indexOf('mkswap') < order.indexOf('dnf'), order.join(' '));
    assert.ok(calls.includes(`dnf install -y ${LOADER_PACKAGES.join(' ')}`), calls.join('\n'));
    assert.ok(
      calls.includes(`mount -t efs -o tls,iam,accesspoint=fsap-1 fs-1:/ ${root}/mnt/index`),
      calls.join('\n'),
    );
    assert.ok(calls.some((c) => c.startsWith(`aws s3 cp s3://sir-staging/${LOADER_TOOLING_KEY} `)));
    const fstab = readFileSync(join(root, 'etc/fstab'), 'utf8');
    assert.match(
      fstab,
      /^fs-1:\/ \/mnt\/index efs _netdev,noresvport,tls,iam,accesspoint=fsap-1 0 0$/m,
    );
    assert.match(fstab, /^\/swapfile none swap defaults 0 0$/m);
    assert.equal(
      readFileSync(join(root, LOADER_ENV_FILE), 'utf8'),
      renderLoaderEnv({
        storeDir: '/mnt/index',
        bucket: 'sir-staging',
        prefix: STAGING_PREFIX,
        keep: 4,
        region: 'us-east-1',
      }),
    );
    // The installed wrapper runs the bundled CLI with plain node.
    const help = spawnSync(join(root, LOADER_SIR), ['--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /loader-agent/);
    // Running it again changes nothing it should not (fstab lines are not repeated).
    const again = spawnSync('bash', ['-c', loaderUserData({ ...ARGS, root })], {
      env: { ...process.env, PATH: `${join(root, 'stub-bin')}:${process.env.PATH}` },
      encoding: 'utf8',
    });
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.equal(readFileSync(join(root, 'etc/fstab'), 'utf8'), fstab);
  });

  it('retries flaky network steps with backoff (5, 10, 20 s ...) and still finishes', () => {
    const { run, calls, status } = boot({ dnf: 3, mount: 2, aws: 1 });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.equal(status['state'], 'ready');
    assert.equal(calls.filter((c) => c.startsWith('dnf ')).length, 4);
    assert.equal(calls.filter((c) => c.startsWith('mount ')).length, 3);
    assert.equal(calls.filter((c) => c.startsWith('aws ')).length, 2);
    const sleeps = calls.filter((c) => c.startsWith('sleep ')).map((c) => Number(c.split(' ')[1]));
    assert.deepEqual(sleeps, [5, 10, 20, 5, 10, 5]);
  });

  it('records a failed step that kept failing, and the agent command reports it instead of running', () => {
    const { root, run, calls, status } = boot({ mount: Infinity });
    assert.notEqual(run.status, 0);
    assert.equal(calls.filter((c) => c.startsWith('mount ')).length, MOUNT_ATTEMPTS);
    assert.deepEqual(
      calls.filter((c) => c.startsWith('sleep ')).map((c) => Number(c.split(' ')[1])),
      [5, 10, 20, 40, 60, 60, 60, 60, 60, 60, 60],
    );
    assert.equal(status['state'], 'failed');
    assert.equal(status['step'], 'mount the index store');
    assert.match(status['detail']!, /'mount -t efs .*' failed 12 times/);
    assert.ok(!existsSync(join(root, LOADER_SIR)), 'sir is not installed after a failed step');
    const agent = spawnSync(
      'sh',
      [
        '-c',
        loaderCommandScript(['publish', '--version', 'up-1'], {
          statusFile: join(root, BOOTSTRAP_STATUS_FILE),
        }),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(agent.status, LOADER_NOT_READY_EXIT);
    assert.match(agent.stderr, /bootstrap failed at step "mount the index store"/);
  });

  it('records the package step when dnf never succeeds', () => {
    const { run, status } = boot({ dnf: Infinity });
    assert.notEqual(run.status, 0);
    assert.equal(status['state'], 'failed');
    assert.equal(status['step'], 'install packages');
    assert.match(
      status['detail']!,
      new RegExp(`'dnf install -y .*' failed ${NETWORK_ATTEMPTS} times`),
    );
  });

  it('fails on any other failing command too, naming it in the status', () => {
    const { run, status } = boot({ unzip: Infinity });
    assert.notEqual(run.status, 0);
    assert.equal(status['state'], 'failed');
    assert.equal(status['step'], 'install sir');
    assert.match(status['detail']!, /^command failed \(exit 1\): unzip -q -o /);
  });
});
