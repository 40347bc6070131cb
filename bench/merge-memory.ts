/**
 * `node --import tsx bench/merge-memory.ts CORPUS.jsonl [THREADS] [MEMORY_MB]` — what a build
 * holds: builds CORPUS as `sir index --threads THREADS --memory-mb MEMORY_MB` does (defaults: the
 * machine's cores, 256) in this process and prints, as one JSON line, the documents, segments,
 * index size and seconds, the engine's WebAssembly memory in this thread afterwards (it only grows,
 * so it is the peak; this thread runs the merge, and with one thread the builder too) and the
 * process's peak resident set. Run it once on a checkout before a change and once after, on the
 * same corpus (the README's "How large a corpus" numbers come from it and from
 * `/usr/bin/time -v sir index`).
 */
import { rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { buildIndexParallel } from '../runtime/engine/index.js';
import { engineMemoryBytes } from '../runtime/engine/wasm-module.js';
import { tempDir } from '../test/fixtures/corpus.js';

const [corpus, threadsArg, memoryArg] = process.argv.slice(2);
if (corpus === undefined) {
  process.stderr.write('usage: node --import tsx bench/merge-memory.ts CORPUS [THREADS] [MB]\n');
  process.exit(2);
}
const MiB = 1024 * 1024;
const threads = Number(threadsArg ?? availableParallelism());
const memoryBudgetMb = Number(memoryArg ?? 256);
const out = tempDir('sir-merge-memory-');
try {
  const r = await buildIndexParallel(corpus, out, { threads, memoryBudgetMb });
  process.stdout.write(
    `${JSON.stringify({
      corpusMiB: Math.round(statSync(corpus).size / MiB),
      threads: r.threads,
      memoryBudgetMb,
      docs: r.docs,
      segments: r.segments,
      indexMiB: Math.round(statSync(join(out, 'index.sir')).size / MiB),
      seconds: Math.round(r.seconds * 10) / 10,
      wasmMiB: Math.round(engineMemoryBytes() / MiB),
      maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    })}\n`,
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
