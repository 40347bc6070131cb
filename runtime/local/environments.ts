/**
 * Local Lambda execution environments for the pipeline's functions (and, in the bundled tier's test,
 * for the search function's versions). `ExecutionEnvironments` keeps
 * up to `size` child processes, each running one handler module and one invocation at a time (as a
 * Lambda environment does), starts them on demand and reuses them warm. An invocation that runs
 * past `timeoutSeconds` has its environment killed, as Lambda does; so does one whose process dies
 * (a test SIGKILLs them). Either way the invocation fails, and the event-source mapping leaves its
 * messages for SQS to deliver again. Separate processes also give the workers real parallelism.
 *
 * `InProcessFunction` runs a handler in this process, for the coordinator (light, I/O-bound work).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SqsEvent } from '../jobs/index.js';
import type { Invoker } from './event-source.js';

const ENTRY = fileURLToPath(new URL('./environment-main.ts', import.meta.url));

export interface EnvironmentsOptions {
  /** The function's name, for logs and the context object. */
  name: string;
  /** The handler module (a `.ts` Lambda entry, or a built `index.mjs`). */
  module: string;
  env: Record<string, string>;
  size: number;
  timeoutSeconds: number;
  /** Where the environments' stdout and stderr lines go (default: this process's stderr). */
  output?: (line: string) => void;
}

interface Environment {
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
  /** Settles the running invocation when the process dies. */
  onExit?: (reason: string) => void;
}

export class ExecutionEnvironments implements Invoker {
  readonly #o: EnvironmentsOptions;
  readonly #envs = new Set<Environment>();
  readonly #waiting: Array<(env: Environment) => void> = [];
  #next = 0;
  #closed = false;

  constructor(options: EnvironmentsOptions) {
    if (!existsSync(options.module))
      throw new Error(`${options.name}: handler module ${options.module} not found`);
    this.#o = options;
  }

  /** Starts every environment now (as provisioned concurrency would), so no job waits on a cold start. */
  warm(): void {
    while (!this.#closed && this.#envs.size < this.#o.size) this.#spawn();
  }

  /** Process ids of the environments now running (busy or idle). */
  pids(): number[] {
    return [...this.#envs].map((e) => e.child.pid!).filter((p) => p !== undefined);
  }

  /** Process ids of the environments running an invocation right now. */
  busyPids(): number[] {
    return [...this.#envs].filter((e) => e.busy).map((e) => e.child.pid!);
  }

  /** Runs one invocation: an SQS batch for the pipeline's functions, any event for others. */
  async invoke(event: SqsEvent | object): Promise<unknown> {
    if (this.#closed) throw new Error(`${this.#o.name}: environments are closed`);
    const env = await this.#acquire();
    const id = ++this.#next;
    const timeoutMs = this.#o.timeoutSeconds * 1000;
    try {
      await env.ready;
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          // Lambda ends the environment of a timed-out invocation: never hand it out again.
          this.#envs.delete(env);
          env.onExit = undefined;
          env.child.off('message', onMessage);
          env.child.kill('SIGKILL');
          reject(
            new Error(`${this.#o.name}: Task timed out after ${this.#o.timeoutSeconds} seconds`),
          );
        }, timeoutMs);
        const onMessage = (m: { id?: number; result?: unknown; error?: string }) => {
          if (m.id !== id) return;
          clearTimeout(timer);
          env.child.off('message', onMessage);
          env.onExit = undefined;
          if (m.error !== undefined) reject(new Error(`${this.#o.name}: ${m.error}`));
          else resolve(m.result);
        };
        env.onExit = (reason) => {
          clearTimeout(timer);
          env.child.off('message', onMessage);
          reject(new Error(`${this.#o.name}: the execution environment ${reason}`));
        };
        env.child.on('message', onMessage);
        env.child.send({
          id,
          event,
          deadlineMs: Date.now() + timeoutMs,
          functionName: this.#o.name,
        });
      });
    } finally {
      this.#release(env);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const exits = [...this.#envs].map(
      (e) =>
        new Promise<void>((resolve) =>
          e.child.exitCode !== null ? resolve() : e.child.once('exit', () => resolve()),
        ),
    );
    for (const e of this.#envs) e.child.kill('SIGKILL');
    await Promise.all(exits);
  }

  #acquire(): Promise<Environment> {
    const idle = [...this.#envs].find((e) => !e.busy);
    if (idle) {
      idle.busy = true;
      return Promise.resolve(idle);
    }
    if (this.#envs.size < this.#o.size) {
      const env = this.#spawn();
      env.busy = true;
      return Promise.resolve(env);
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(env: Environment): void {
    env.busy = false;
    if (!this.#envs.has(env)) {
      // It died: a waiting invocation gets a fresh one.
      const next = this.#waiting.shift();
      if (next && !this.#closed) {
        const fresh = this.#spawn();
        fresh.busy = true;
        next(fresh);
      }
      return;
    }
    const next = this.#waiting.shift();
    if (next) {
      env.busy = true;
      next(env);
    }
  }

  #spawn(): Environment {
    const tsx = this.#o.module.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
    const child = spawn(process.execPath, [...tsx, ENTRY, this.#o.module], {
      env: { ...process.env, ...this.#o.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const output = this.#o.output ?? ((line: string) => process.stderr.write(`${line}\n`));
    for (const stream of [child.stdout!, child.stderr!])
      createInterface({ input: stream }).on('line', output);
    const env: Environment = {
      child,
      busy: false,
      ready: new Promise<void>((resolve, reject) => {
        child.once('message', (m: { ready?: boolean }) => (m.ready ? resolve() : undefined));
        child.once('exit', (code, signal) =>
          reject(
            new Error(
              `${this.#o.name}: the environment exited on start (${signal ?? `code ${code}`})`,
            ),
          ),
        );
      }),
    };
    env.ready.catch(() => undefined);
    child.once('exit', (code, signal) => {
      this.#envs.delete(env);
      env.onExit?.(`stopped (${signal ?? `exit code ${code}`})`);
    });
    this.#envs.add(env);
    return env;
  }
}

/** A handler run in this process. */
export class InProcessFunction implements Invoker {
  readonly name: string;
  readonly handler: (event: SqsEvent, context: object) => Promise<unknown>;

  constructor(name: string, handler: (event: SqsEvent, context: object) => Promise<unknown>) {
    this.name = name;
    this.handler = handler;
  }

  invoke(event: SqsEvent): Promise<unknown> {
    return this.handler(event, {
      functionName: this.name,
      awsRequestId: `local-${Date.now()}`,
      getRemainingTimeInMillis: () => 30_000,
    });
  }
}
