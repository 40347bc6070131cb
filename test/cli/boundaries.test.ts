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

/** `file → import` for every import of the files `from` selects that `allowed` does not allow. */
function violations(from: (f: string) => boolean, allowed: (i: string) => boolean): string[] {
  return files.filter(from).flatMap((f) =>
    importsOf(f)
      .filter((i) => !allowed(i))
      .map((i) => `${f} → ${i}`),
  );
}

describe('runtime: who imports whom', () => {
  it('nothing outside runtime/cli imports the CLI', () => {
    assert.deepEqual(
      violations(
        (f) => !f.startsWith('runtime/cli/'),
        (i) => !i.startsWith('runtime/cli/'),
      ),
      [],
    );
  });

  it('CLI commands never import one another', () => {
    assert.deepEqual(
      violations(
        (f) => f.startsWith('runtime/cli/commands/'),
        (i) => !i.startsWith('runtime/cli/commands/'),
      ),
      [],
    );
  });

  it('the store imports nothing but itself and the logger', () => {
    assert.deepEqual(
      violations(
        (f) => f.startsWith('runtime/store/'),
        (i) => i.startsWith('runtime/store/') || i === 'runtime/log/logger',
      ),
      [],
    );
  });

  it('the loader agent reaches the store only through its front door', () => {
    assert.deepEqual(
      violations(
        (f) => f === 'runtime/upload/loader-agent.ts',
        (i) => !i.startsWith('runtime/store/') || i === 'runtime/store/index',
      ),
      [],
    );
  });
});
