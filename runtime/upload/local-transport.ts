/**
 * `LocalTransport`: runs the loader agent as a child process of this machine (`node bin/sir.mjs
 * loader-agent ...`), with the loader's settings in its environment instead of loader.env. It is
 * what tests use (fauxqs as S3, a temporary folder as EFS) and what `sir upload --local-store DIR`
 * uses to publish into a store on this machine through the same staging path as in AWS.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOADER_ENV_FILE_VAR, loaderEnvVars } from './loader-contract.js';
import type { AgentConfig } from './loader-env.js';
import type {
  LoaderCommand,
  LoaderResult,
  LoaderTransport,
  OutputListener,
} from './loader-transport.js';
import { UploadError } from './upload-error.js';

export interface LocalTransportOptions {
  config: AgentConfig;
  /** The `sir` entry to run; default the repository's bin/sir.mjs (or the running one). */
  sirPath?: string;
  /** Start detached, output to a log file, and do not keep this process alive (`--no-wait`). */
  background?: boolean;
  /** Kill the agent if it runs longer than this. Default 1 hour. */
  timeoutMs?: number;
}

interface Running {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  listener?: OutputListener;
  exit: Promise<number | null>;
}

export function defaultSirPath(): string {
  const fromRepo = fileURLToPath(new URL('../../bin/sir.mjs', import.meta.url));
  if (existsSync(fromRepo)) return fromRepo;
  const running = process.argv[1];
  if (running && path.basename(running) === 'sir.mjs') return running;
  throw new UploadError(
    'transport-failed',
    `cannot find the sir entry point to run the loader agent locally (looked for ${fromRepo})`,
  );
}

export class LocalTransport implements LoaderTransport {
  readonly description = 'a local child process (loader agent)';
  readonly #running = new Map<string, Running>();
  readonly #logs = new Map<string, string>();

  private readonly options: LocalTransportOptions;

  constructor(options: LocalTransportOptions) {
    this.options = options;
  }

  #env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      [LOADER_ENV_FILE_VAR]: path.join(os.tmpdir(), 'sir-no-loader-env'), // never the real loader's file
      ...loaderEnvVars(this.options.config),
    };
  }

  async start({ args }: LoaderCommand): Promise<string> {
    const argv = [this.options.sirPath ?? defaultSirPath(), 'loader-agent', ...args];
    if (this.options.background) {
      const log = path.join(os.tmpdir(), `sir-loader-agent-${Date.now()}-${process.pid}.log`);
      const fd = openSync(log, 'a');
      const child = spawn(process.execPath, argv, {
        env: this.#env(),
        stdio: ['ignore', fd, fd],
        detached: true,
      });
      closeSync(fd);
      child.unref();
      const id = String(child.pid);
      this.#logs.set(id, log);
      return id;
    }
    const child = spawn(process.execPath, argv, {
      env: this.#env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const running: Running = {
      child,
      stdout: '',
      stderr: '',
      exit: new Promise((resolve, reject) => {
        child.on('error', (err) =>
          reject(
            new UploadError(
              'transport-failed',
              `could not start the local loader agent: ${err.message}`,
            ),
          ),
        );
        child.on('close', (code) => resolve(code));
      }),
    };
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      running.stdout += chunk;
      running.listener?.(chunk, 'stdout');
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      running.stderr += chunk;
      running.listener?.(chunk, 'stderr');
    });
    const id = String(child.pid ?? `local-${Date.now()}`);
    this.#running.set(id, running);
    return id;
  }

  async wait(id: string, onOutput?: OutputListener): Promise<LoaderResult> {
    const running = this.#running.get(id);
    if (!running)
      throw new UploadError(
        'transport-failed',
        `no local loader agent with id ${id} was started by this process`,
      );
    if (running.stdout) onOutput?.(running.stdout, 'stdout');
    if (running.stderr) onOutput?.(running.stderr, 'stderr');
    running.listener = onOutput;
    const timeoutMs = this.options.timeoutMs ?? 3_600_000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      running.child.kill('SIGKILL');
    }, timeoutMs);
    try {
      const code = await running.exit;
      const status = timedOut
        ? 'TimedOut'
        : code === 0
          ? 'Success'
          : running.child.signalCode
            ? 'Cancelled'
            : 'Failed';
      return {
        status,
        output: running.stdout,
        errorOutput: running.stderr,
        ...(code !== null ? { exitCode: code } : {}),
      };
    } finally {
      clearTimeout(timer);
      this.#running.delete(id);
    }
  }

  followHint(id: string): string {
    const log = this.#logs.get(id);
    return log ? `tail -f ${log}` : `the local loader agent is process ${id}`;
  }
}
