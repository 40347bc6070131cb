/**
 * Every example in the served OpenAPI document (what Swagger UI's "Try it out" fills in) is a
 * request the API answers with 2xx: on the demo index (State of the Union paragraphs, title and
 * text as separate fields) and on the same corpus indexed with `sir index`'s defaults (one
 * combined field).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, openLiveIndex } from '../../runtime/app/index.js';
import { DEMO_INDEX_OPTIONS, writeSotuCorpus } from '../../runtime/demo/sotu.js';
import { buildIndex } from '../../runtime/engine/index.js';
import { silentLogger } from '../../runtime/log/logger.js';
import { tempDir } from '../fixtures/corpus.js';

interface Param {
  name: string;
  in: string;
  required?: boolean;
  schema?: { example?: unknown };
}
interface Operation {
  parameters?: Param[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
}

/**
 * One request per search operation of `spec`, filled with every example it documents. The `/jobs`
 * routes answer only where a job pipeline runs (503 here); test/jobs/http-api.test.ts runs
 * them on the local pipeline and checks that this document describes them.
 */
function exampleRequests(spec: any): Array<{ label: string; path: string; init: RequestInit }> {
  const out = [];
  for (const [template, methods] of Object.entries<Record<string, Operation>>(spec.paths)) {
    if (template === '/jobs' || template.startsWith('/jobs/')) continue;
    for (const [method, op] of Object.entries(methods)) {
      let path = template;
      const query = new URLSearchParams();
      for (const p of op.parameters ?? []) {
        const example = p.schema?.example;
        if (example === undefined) {
          assert.ok(!p.required, `${method} ${template}: required ${p.name} has no example`);
          continue;
        }
        if (p.in === 'path')
          path = path.replace(`{${p.name}}`, encodeURIComponent(String(example)));
        else query.append(p.name, String(example));
      }
      const init: RequestInit = { method: method.toUpperCase() };
      const json = op.requestBody?.content['application/json'];
      if (json) {
        const schema = spec.components.schemas[json.schema.$ref!.split('/').pop()!];
        const body = Object.fromEntries(
          Object.entries<{ example?: unknown }>(schema.properties)
            .filter(([, s]) => s.example !== undefined)
            .map(([k, s]) => [k, s.example]),
        );
        init.headers = { 'content-type': 'application/json' };
        init.body = JSON.stringify(body);
      }
      const qs = query.toString();
      out.push({
        label: `${init.method} ${path}${qs ? `?${qs}` : ''} ${init.body ?? ''}`,
        path: qs ? `${path}?${qs}` : path,
        init,
      });
    }
  }
  return out;
}

describe('app: the OpenAPI examples are valid requests', function () {
  this.timeout(120_000);
  let tmp: string;
  const lives: Array<ReturnType<typeof openLiveIndex>> = [];
  before(() => {
    tmp = tempDir('sir-examples-');
    const corpus = join(tmp, 'sotu.jsonl');
    writeSotuCorpus(corpus);
    buildIndex(corpus, join(tmp, 'demo'), DEMO_INDEX_OPTIONS);
    buildIndex(corpus, join(tmp, 'combined'), {});
  });
  after(async () => {
    for (const l of lives) await l.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  for (const kind of ['demo', 'combined'] as const) {
    it(`on the ${kind} index`, async () => {
      const live = openLiveIndex(join(tmp, kind));
      lives.push(live);
      const app = createApp({ index: live, log: silentLogger });
      const spec = await (await app.request('/openapi.json')).json();
      const requests = exampleRequests(spec);
      assert.ok(requests.length >= 4, `${requests.length} operations`);
      for (const r of requests) {
        const res = await app.request(r.path, r.init);
        assert.ok(
          res.status >= 200 && res.status < 300,
          `${r.label} → ${res.status} ${await res.text()}`,
        );
      }
    });
  }
});
