/**
 * The top functions of a V8 CPU profile by self time — how bench/PROFILE.md's WebAssembly tables
 * are made: `node --import tsx bench/cpu-profile.ts FILE.cpuprofile [TOP]` (default 15) prints a
 * Markdown table of function, self time % and total samples. WebAssembly functions keep their Rust
 * names (the module carries its name section), so the engine's functions show as themselves.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
}

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 15);
if (!file || !Number.isInteger(top) || top < 1) {
  console.error('usage: cpu-profile.ts FILE.cpuprofile [TOP]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
const self = new Map<string, number>();
let total = 0;
for (const n of profile.nodes) {
  const hits = n.hitCount ?? 0;
  total += hits;
  const name = n.callFrame.functionName || '(anonymous)';
  const where = n.callFrame.url.startsWith('wasm://') ? ' (wasm)' : '';
  const key = `${name.replace(/::h[0-9a-f]{16}$/, '')}${where}`;
  self.set(key, (self.get(key) ?? 0) + hits);
}
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
console.log(`| function | self % |\n|---|---:|`);
for (const [name, hits] of rows)
  console.log(`| \`${name.replace(/\|/g, '\\|')}\` | ${((100 * hits) / total).toFixed(1)} |`);
console.log(`\n${total} samples.`);
