/**
 * The local "stack" the upload tests run against: fauxqs (S3 over its real wire protocol,
 * in-process on 127.0.0.1) with the staging bucket, a temporary folder as the EFS index store,
 * and an outputs file like `pulumi stack output --json` prints. Plus helpers to run `sir` in
 * process (captured output) or as a child process (to kill it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { buildIndex } from '../../runtime/engine/index.js';
import { main } from '../../runtime/cli/main.js';

export const BUCKET = 'sir-staging-test';
export const SIR = fileURLToPath(new URL('../../bin/sir.mjs', import.meta.url));

export interface LocalStack {
  endpoint: string;
  tmp: string;
  storeDir: string;
  outputsFile: string;
  /** `--stack local --outputs F --local-store D --s3-endpoint E` */
  stackArgs: string[];
  stop(): Promise<void>;
  server: { emptyBucket(name: string): void };
}

export async function startLocalStack(): Promise<LocalStack> {
  const { startFauxqs } = await import('fauxqs');
  const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  server.createBucket(BUCKET);
  const tmp = mkdtempSync(join(tmpdir(), 'sir-upload-'));
  const storeDir = join(tmp, 'efs');
  const outputsFile = join(tmp, 'outputs.json');
  writeFileSync(
    outputsFile,
    JSON.stringify({
      stagingBucket: BUCKET,
      region: 'us-east-1',
      apiUrl: 'http://127.0.0.1:9/',
      loaderInstanceId: 'i-local',
    }),
  );
  const endpoint = server.address;
  return {
    endpoint,
    tmp,
    storeDir,
    outputsFile,
    stackArgs: [
      '--stack',
      'local',
      '--outputs',
      outputsFile,
      '--local-store',
      storeDir,
      '--s3-endpoint',
      endpoint,
    ],
    stop: () => server.stop(),
    server,
  };
}

/** Builds a small index whose documents answer "alpha" with `answer`; returns the index folder. */
export function buildAnswerIndex(
  dir: string,
  name: string,
  answer: string,
  fillerDocs = 5,
): string {
  const docs = [
    { _id: answer, title: `Answer ${answer}`, text: `alpha is answered by ${answer} here` },
    ...Array.from({ length: fillerDocs }, (_, i) => ({
      _id: `${name}-filler-${i}`,
      title: `Filler ${i}`,
      text: `beta gamma delta ${name} ${i}`,
    })),
  ];
  const corpus = join(dir, `${name}.jsonl`);
  writeFileSync(corpus, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  const out = join(dir, `built-${name}`);
  buildIndex(corpus, out, {});
  return out;
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Runs `sir ARGS` in this process; resolves to the exit code and captured output. */
export async function sir(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

export interface Child {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
  /** Resolves once the combined output matches `re` (or the process exits). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<boolean>;
}

/** Runs `node bin/sir.mjs ARGS` as a child process (so a test can SIGKILL it). */
export function sirChild(args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(process.execPath, [SIR, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const w of waiters.splice(0)) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exit,
    async waitFor(re, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let exited = false;
      void exit.then(() => (exited = true));
      while (!re.test(text) && !exited && Date.now() < deadline) {
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
      return re.test(text);
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
