/** A small fixture corpus, indexed into a temp dir, and the app over it (logs silenced). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIndex } from '../../runtime/engine/index.js';
import { serve } from '@hono/node-server';
import { createApp, openLiveIndex } from '../../runtime/app/index.js';
import { silentLogger } from '../../runtime/log/logger.js';

export function fixtureDocs(n = 30): Array<Record<string, unknown>> {
  const docs = [];
  for (let i = 0; i < n; i++) {
    docs.push({
      _id: `doc-${i}`,
      title: `Address ${1850 + i}`,
      text:
        `The union ${'and liberty '.repeat((i % 5) + 1)}were discussed in year ${1850 + i}. <b>bold</b> & more` +
        (i === 0 ? ' running runners ran' : ''),
      year: 1850 + i * 5,
      party: i % 2 ? 'Whig' : 'Democratic',
    });
  }
  return docs;
}

export function buildFixtureIndex(dir: string, docs = fixtureDocs()): string {
  const corpus = join(dir, 'corpus.jsonl');
  writeFileSync(corpus, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  const out = join(dir, 'index');
  buildIndex(corpus, out, { fields: ['title', 'text'], fieldMode: 'separate' });
  return out;
}

export function fixtureApp() {
  const tmp = mkdtempSync(join(tmpdir(), 'sir-app-'));
  const indexDir = buildFixtureIndex(tmp);
  const live = openLiveIndex(indexDir, { logger: silentLogger });
  const app = createApp({ index: live, log: silentLogger });
  return {
    app,
    live,
    indexDir,
    tmp,
    cleanup: async () => {
      await live.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Asserts `res` is a problem+json of `status` (naming `field` when given, no stack trace) and returns its body. */
export async function expectProblem(res: Response, status: number, field?: string) {
  assert.equal(res.status, status, await res.clone().text());
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const body = (await res.json()) as {
    type: string;
    title: string;
    status: number;
    detail: string;
    errors?: { field: string; message: string }[];
  };
  assert.equal(body.status, status);
  assert.ok(body.type && body.title && body.detail);
  assert.doesNotMatch(JSON.stringify(body), /at .*\.(ts|js):\d+/, 'no stack trace');
  if (field)
    assert.ok(
      body.errors?.some((e) => e.field === field && e.message.length > 0),
      `field ${field} named in ${JSON.stringify(body.errors)}`,
    );
  return body;
}

/** Malformed escapes and the reason each one is refused. */
export const MALFORMED_ESCAPES: Array<[string, RegExp]> = [
  ['%ZZ', /not % followed by two hex digits/],
  ['caf%C3', /incomplete UTF-8 sequence/],
  ['%E2%82', /incomplete UTF-8 sequence/],
  ['%ED%A0%80', /UTF-16 surrogate/],
  ['%ED%BF%BF', /UTF-16 surrogate/],
  ['%C0%AF', /overlong/],
  ['%E0%80%AF', /overlong/],
  ['%F0%80%80%AF', /overlong/],
  ['%F4%90%80%80', /beyond U\+10FFFF/],
  ['%80abc', /continuation byte/],
  ['%FF', /not a UTF-8 lead byte/],
  ['100%', /not % followed by two hex digits/],
];

/** Serves `fetch` with @hono/node-server on a free loopback port: its base URL, and how to stop it. */
export async function serveOnLoopback(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<{ base: string; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({
        base: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    );
  });
}
