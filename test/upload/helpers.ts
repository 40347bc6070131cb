/**
 * The local "stack" the upload tests run against: fauxqs (S3 over its real wire protocol,
 * in-process on 127.0.0.1) with the staging bucket, a temporary folder as the EFS index store,
 * and an outputs file like `pulumi stack output --json` prints. Plus helpers to run `sir` in
 * process (captured output) or as a child process (to kill it).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIndex } from '../../runtime/engine/index.js';
export { SIR, sir, sirChild, type Child } from '../fixtures/sir.js';

export const BUCKET = 'sir-staging-test';

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

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
