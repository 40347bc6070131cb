/**
 * One ranker table, every layer agreeing with it: the engine's own table (read through the
 * WebAssembly module), the TypeScript view of it, the engine's validation, the OpenAPI document of
 * GET and POST /search, the CLI flags and help, and the README's table. Likewise one result window.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  DEFAULT_RANKER,
  EngineError,
  MAX_WINDOW,
  PARAM_NAMES,
  RANKER_TABLE,
  engine,
  validateRankerParams,
} from '../../runtime/engine/index.js';
import { MAX_SIZE } from '../../runtime/app/limits.js';
import { ACCEPTED } from '../../runtime/app/schemas.js';
import { main } from '../../runtime/cli/main.js';
import { fixtureApp } from '../app/helpers.js';
import { Writable } from 'node:stream';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

async function help(command: string): Promise<string> {
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  });
  assert.equal(await main([command, '--help'], { stdout: sink, stderr: sink }), 0);
  return out;
}

describe('engine: the ranker table and the result window, one definition', () => {
  it('the TypeScript table is the engine’s, and covers five rankers with unique parameter names', () => {
    const fromEngine = JSON.parse(engine().rankersJson());
    assert.deepEqual(
      { default: DEFAULT_RANKER, rankers: RANKER_TABLE },
      JSON.parse(JSON.stringify(fromEngine)),
    );
    assert.deepEqual(
      RANKER_TABLE.map((r) => r.name),
      ['bm25', 'dirichlet', 'jelinek-mercer', 'pivoted', 'absolute-discount'],
    );
    assert.equal(new Set(PARAM_NAMES).size, PARAM_NAMES.length);
    for (const p of RANKER_TABLE.flatMap((r) => r.params)) {
      assert.ok(Number.isFinite(p.min) && Number.isFinite(p.max), p.name);
      assert.ok(p.min <= p.default && p.default <= p.max, p.name);
    }
    assert.equal(MAX_WINDOW, engine().maxWindow());
  });

  it('validateRankerParams is the engine’s check: bounds in, beyond them out, naming the field', () => {
    for (const r of RANKER_TABLE) {
      for (const p of r.params) {
        for (const v of [p.min, p.max, p.default])
          assert.doesNotThrow(() => validateRankerParams(r.name, { [p.name]: v }));
        for (const v of [p.min - 1e-9 * Math.max(1, Math.abs(p.min)) - 1e-12, p.max * 1.5 + 1, NaN])
          assert.throws(
            () => validateRankerParams(r.name, { [p.name]: v }),
            (e: unknown) =>
              e instanceof EngineError &&
              e.field === p.name &&
              e.message.includes(`from ${p.min} to ${p.max}`),
            `${r.name} ${p.name}=${v}`,
          );
      }
    }
    assert.throws(
      () => validateRankerParams('dirichlet', { k1: 1 }),
      (e: unknown) =>
        e instanceof EngineError && e.field === 'k1' && /does not apply/.test(e.message),
    );
    assert.throws(
      () => validateRankerParams('tfidf', {}),
      (e: unknown) => e instanceof EngineError && e.field === 'ranker',
    );
  });

  it('the OpenAPI document states every parameter’s range and meaning, for GET and POST', async () => {
    const fx = fixtureApp();
    try {
      const spec = (await (await fx.app.request('/openapi.json')).json()) as any;
      const get = spec.paths['/search'].get.parameters as any[];
      const body = spec.components.schemas.RankerParams.properties;
      const rankerParam = get.find((p) => p.name === 'ranker');
      assert.deepEqual(
        rankerParam.schema.enum,
        RANKER_TABLE.map((r) => r.name),
      );
      for (const r of RANKER_TABLE) assert.ok(rankerParam.schema.description.includes(r.meaning));
      for (const r of RANKER_TABLE)
        for (const p of r.params) {
          const q = get.find((x) => x.name === p.name);
          assert.ok(q, `GET parameter ${p.name}`);
          assert.equal(q.schema.minimum, p.min, p.name);
          assert.equal(q.schema.maximum, p.max, p.name);
          assert.equal(q.schema.default, undefined, `${p.name}: no default Swagger UI would send`);
          for (const d of [q.schema.description, body[p.name].description]) {
            assert.ok(d.includes(`${r.name}: ${p.meaning}`), d);
            assert.ok(d.includes(`a number from ${p.min} to ${p.max} (default ${p.default})`), d);
          }
          assert.equal(body[p.name].minimum, p.min);
          assert.equal(body[p.name].maximum, p.max);
        }
      assert.ok(ACCEPTED.page!.includes(String(MAX_WINDOW)));
      const size = get.find((x) => x.name === 'size');
      assert.equal(size.schema.maximum, MAX_SIZE);
    } finally {
      await fx.cleanup();
    }
  });

  it('the CLI has one flag per parameter, and its help says the range and default', async () => {
    for (const command of ['search', 'run', 'eval']) {
      const text = await help(command);
      for (const r of RANKER_TABLE)
        for (const p of r.params)
          assert.match(
            text,
            new RegExp(
              `\\n {2}--${p.name} N +${r.name}: ${escape(p.meaning)}, ${p.min} to ${p.max} \\(default ${p.default}\\)\\n`,
            ),
            `${command} --help: --${p.name}`,
          );
      assert.match(text, new RegExp(`--ranker NAME +${DEFAULT_RANKER} \\(default\\)`));
    }
    assert.match(await help('search'), new RegExp(`at most ${MAX_WINDOW}\\)`));
    assert.match(await help('run'), new RegExp(`at most ${MAX_WINDOW}\\)`));
  });

  it('the README’s table is the engine’s', () => {
    for (const r of RANKER_TABLE) {
      const params = r.params
        .map((p) => `\`--${p.name}\` ${p.default} (${p.min} to ${p.max}): ${p.meaning}`)
        .join('; ');
      assert.ok(
        readme.includes(`| \`${r.name}\` | ${r.meaning} | ${params} |\n`),
        `README row for ${r.name}`,
      );
    }
    const rows = readme.split('\n').filter((l) => /^\| `[a-z0-9-]+` \| .* \| .*--/.test(l));
    assert.equal(rows.length, RANKER_TABLE.length, 'no README row for a ranker the engine lacks');
    assert.ok(readme.includes(MAX_WINDOW.toLocaleString('en-US')), 'README states the window');
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
