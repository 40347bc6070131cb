/**
 * What the load benchmarks share: the demo index (built into .sir/demo/index as `npm start` does,
 * if it is not there yet), the queries they rotate through, and starting a server as a child
 * process on loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_INDEX_OPTIONS, writeSotuCorpus } from '../runtime/demo/sotu.js';
import { INDEX_FILE, buildIndex } from '../runtime/engine/index.js';

export const DEMO_DIR = join('.sir', 'demo');

/** The demo index folder, built first if needed. */
export function ensureDemoIndex(): string {
  const indexDir = join(DEMO_DIR, 'index');
  if (!existsSync(join(indexDir, INDEX_FILE))) {
    mkdirSync(DEMO_DIR, { recursive: true });
    const corpus = join(DEMO_DIR, 'corpus.jsonl');
    writeSotuCorpus(corpus);
    buildIndex(corpus, indexDir, DEMO_INDEX_OPTIONS);
  }
  return indexDir;
}

/** Ten queries over the State of the Union paragraphs: words, a phrase, required and excluded terms. */
export const DEMO_QUERIES = [
  'liberty',
  'slavery union',
  'tax reform economy',
  'war peace treaty',
  'education children schools',
  'health care insurance',
  'foreign trade tariff',
  '"civil rights"',
  'energy oil +crisis',
  'army navy -spain',
];

/** `/search` paths for DEMO_QUERIES: top 10 with snippets, a third with a year filter. */
export const DEMO_SEARCH_PATHS = DEMO_QUERIES.map(
  (q, i) =>
    `/search?q=${encodeURIComponent(q)}&size=10${i % 3 === 0 ? '&filter=year%3E%3D1900' : ''}`,
);

/** Spawns `node ARGS` and resolves once it prints `:PORT` (the listening line). */
export async function startChild(args: string[], port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => String(d).includes(`:${port}`) && resolve());
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  child.stdout!.resume();
  return child;
}
