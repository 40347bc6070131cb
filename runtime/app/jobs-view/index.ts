/** The jobs view: `GET /jobs-view`, its script and its stylesheet (see page.ts). */
import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { MEASURES } from '../../eval/index.js';
import { Problem } from '../problem.js';
import { JOBS_VIEW_CSP, JOBS_VIEW_PATH, jobsViewPage } from './page.js';
import { JOBS_VIEW_JS } from './script.js';
import { JOBS_VIEW_CSS } from './style.js';

const ASSETS: Record<string, { body: string; type: string }> = {
  'app.js': { body: JOBS_VIEW_JS, type: 'text/javascript; charset=utf-8' },
  'style.css': { body: JOBS_VIEW_CSS, type: 'text/css; charset=utf-8' },
};
/** Changes with the assets, so links can be cached for a year. */
const VERSION = createHash('sha256')
  .update(JOBS_VIEW_JS)
  .update(JOBS_VIEW_CSS)
  .digest('hex')
  .slice(0, 16);

export function mountJobsView(app: Hono<any, any, any>): void {
  const page = jobsViewPage(
    VERSION,
    MEASURES.map((m) => m.trecName),
  );
  app.get(JOBS_VIEW_PATH, (c) => {
    c.header('content-security-policy', JOBS_VIEW_CSP);
    c.header('cache-control', 'no-cache');
    return c.html(page);
  });
  app.get(`${JOBS_VIEW_PATH}/:file`, (c: Context) => {
    const name = c.req.param('file') ?? '';
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (asset === undefined)
      throw new Problem(
        404,
        `no jobs view asset "${name}"; there are ${Object.keys(ASSETS).join(', ')}`,
      );
    c.header('content-security-policy', JOBS_VIEW_CSP);
    c.header('cache-control', 'public, max-age=31536000, immutable');
    c.header('x-content-type-options', 'nosniff');
    c.header('content-type', asset.type);
    return c.body(asset.body);
  });
}

export { JOBS_VIEW_CSP, JOBS_VIEW_PATH } from './page.js';
