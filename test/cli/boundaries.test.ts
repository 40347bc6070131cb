/**
 * The rooms of runtime/ and who may import whom, checked on the import statements themselves:
 * the core never imports the CLI; CLI commands never import one another (what they share lives
 * in a flag module beside them or in the core); the store knows files, not the engine.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/** Every relative import of `file`, as a repository path without extension. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) =>
    relative(root, resolve(dirname(join(root, file)), m[1]!)).replace(/\.(js|ts)$/, ''),
  );
}

const files = sources('runtime');

describe('runtime: who imports whom', () => {
  it('nothing outside runtime/cli imports the CLI', () => {
    const offending = files
      .filter((f) => !f.startsWith('runtime/cli/'))
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => i.startsWith('runtime/cli/'))
          .map((i) => `${f} → ${i}`),
      );
    assert.deepEqual(offending, []);
  });

  it('CLI commands never import one another', () => {
    const offending = files
      .filter((f) => f.startsWith('runtime/cli/commands/'))
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => i.startsWith('runtime/cli/commands/'))
          .map((i) => `${f} → ${i}`),
      );
    assert.deepEqual(offending, []);
  });

  it('the store imports nothing but itself and the logger', () => {
    const offending = files
      .filter((f) => f.startsWith('runtime/store/'))
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => !i.startsWith('runtime/store/') && i !== 'runtime/log/logger')
          .map((i) => `${f} → ${i}`),
      );
    assert.deepEqual(offending, []);
  });

  it('the loader agent reaches the store only through its front door', () => {
    assert.deepEqual(
      importsOf('runtime/upload/loader-agent.ts').filter(
        (i) => i.startsWith('runtime/store/') && i !== 'runtime/store/index',
      ),
      [],
    );
  });
});
