/**
 * `node --import tsx bench/loader-memory.ts [DOCS...]` — peak memory of `sir index` as the loader
 * runs it for `sir upload --corpus`: the bundled CLI (`dist/loader/bin/sir.mjs`, run `npm run build`
 * first) with plain `node`, on Zipf corpora of DOCS documents (default 100000 400000 800000; about
 * 0.82 KB of JSONL each), measured by `/usr/bin/time` as the process' maximum resident set size.
 * Prints a Markdown table: the README's loader sizing comes from it. Corpora are cached in
 * bench/.work/ (gitignored).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ZIPF, writeZipfCorpus } from './corpus/zipf.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SIR = join(ROOT, 'dist/loader/bin/sir.mjs');
const WORK = join(ROOT, 'bench/.work');
const MB = 1024 * 1024;

if (!existsSync(SIR)) throw new Error(`${SIR} is missing; run npm run build first`);
const counts = process.argv.slice(2).map(Number);
const docCounts = counts.length > 0 ? counts : [100_000, 400_000, 800_000];

const rows: string[] = [];
for (const docs of docCounts) {
  const corpus = join(WORK, `zipf-${docs}.jsonl`);
  await writeZipfCorpus(corpus, { ...DEFAULT_ZIPF, docs });
  const out = mkdtempSync(join(tmpdir(), 'sir-loader-memory-'));
  try {
    const started = performance.now();
    const run = spawnSync(
      '/usr/bin/time',
      ['-f', '%M', process.execPath, SIR, 'index', corpus, '--out', out],
      { encoding: 'utf8', maxBuffer: 64 * MB },
    );
    if (run.status !== 0) throw new Error(`sir index failed: ${run.stderr}`);
    const seconds = (performance.now() - started) / 1000;
    const peakKb = Number(run.stderr.trim().split('\n').pop());
    const corpusMb = statSync(corpus).size / MB;
    const indexMb = statSync(join(out, 'index.sir')).size / MB;
    rows.push(
      `| ${docs} | ${corpusMb.toFixed(0)} | ${indexMb.toFixed(0)} | ${(peakKb / 1024).toFixed(0)} | ${seconds.toFixed(0)} |`,
    );
    console.error(`${docs} docs: ${rows.at(-1)}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const cpu = execFileSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], {
  encoding: 'utf8',
}).trim();
console.log(`Peak memory of \`sir index\` (loader bundle, node ${process.version}, default --memory-mb 256), ${cpu}:

| documents | corpus MB | index MB | peak RSS MB | seconds |
| ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Command: \`npm run build && node --import tsx bench/loader-memory.ts ${docCounts.join(' ')}\``);
