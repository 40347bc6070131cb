/**
 * `GET /docs`: Swagger UI over `/openapi.json`, with every asset served by the app itself (no CDN),
 * so the page works offline and under a Content-Security-Policy that allows only 'self'.
 *
 * Swagger UI's two files come from the `swagger-ui-dist` package (pinned in package.json). They are
 * looked for beside the running code first (the Lambda bundle: `npm run build` copies them into
 * `dist/lambda/<name>/`), then in `node_modules` (running from source), and read once per process.
 * Asset URLs carry a content hash (`?v=`), so they are cached for a year and still change on upgrade.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';
import { Problem } from './problem.js';

/** The files of `swagger-ui-dist` the page needs, with their content types. The build copies these. */
export const SWAGGER_UI_FILES = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
} as const;

type AssetName = keyof typeof SWAGGER_UI_FILES | 'docs-init.js';

/** Where `/docs` assets are served from. */
export const DOCS_ASSET_PATH = '/docs/assets';

/**
 * The policy on `/docs` and its assets: 'self' only, no inline script or style and no eval. The one
 * addition is `data:` images: Swagger UI's icons are SVG data URIs in its CSS. (Its inline styles are
 * set through the DOM, which CSP allows; test/app/browser.test.ts fails on any violation.)
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Swagger UI's start-up, as a file rather than an inline script so the CSP needs no 'unsafe-inline' script. */
const INIT_JS = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null });
});
`;

interface Asset {
  body: Uint8Array;
  type: string;
  /** First 16 hex digits of the body's SHA-256: the `?v=` in links and the ETag. */
  hash: string;
}

/** Where one `swagger-ui-dist` file is looked for, in order. */
export function swaggerAssetCandidates(file: keyof typeof SWAGGER_UI_FILES): string[] {
  const out = [fileURLToPath(new URL(`./${file}`, import.meta.url))];
  try {
    out.push(createRequire(import.meta.url).resolve(`swagger-ui-dist/${file}`));
  } catch {
    // Not installed (a Lambda bundle ships without node_modules); the file beside the code is the one.
  }
  return out;
}

const cache = new Map<AssetName, Asset>();

function asset(name: AssetName): Asset {
  let a = cache.get(name);
  if (!a) {
    let body: Uint8Array;
    let type: string;
    if (name === 'docs-init.js') {
      body = new TextEncoder().encode(INIT_JS);
      type = 'text/javascript; charset=utf-8';
    } else {
      const candidates = swaggerAssetCandidates(name);
      const path = candidates.find((p) => existsSync(p));
      if (!path)
        throw new Error(
          `/docs: ${name} not found (looked in ${candidates.join(', ')}); run \`npm install\` (or \`npm run build\` for the Lambda bundle)`,
        );
      body = readFileSync(path);
      type = SWAGGER_UI_FILES[name];
    }
    a = { body, type, hash: createHash('sha256').update(body).digest('hex').slice(0, 16) };
    cache.set(name, a);
  }
  return a;
}

const isAssetName = (name: string): name is AssetName =>
  name === 'docs-init.js' || Object.hasOwn(SWAGGER_UI_FILES, name);
const assetUrl = (name: AssetName) => `${DOCS_ASSET_PATH}/${name}?v=${asset(name).hash}`;

function docsPage(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="${assetUrl('swagger-ui.css')}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${assetUrl('swagger-ui-bundle.js')}"></script>
<script src="${assetUrl('docs-init.js')}"></script>
</body>
</html>
`;
}

/** Adds `GET /docs` and `GET /docs/assets/{file}` to the app. */
export function mountDocs(app: Hono<any, any, any>, title: string): void {
  app.get('/docs', (c) => {
    c.header('content-security-policy', DOCS_CSP);
    c.header('cache-control', 'no-cache');
    return c.html(docsPage(title));
  });
  app.get(`${DOCS_ASSET_PATH}/:file`, (c: Context) => {
    const name = c.req.param('file') ?? '';
    if (!isAssetName(name)) {
      throw new Problem(
        404,
        `no docs asset "${name}"; there are ${[...Object.keys(SWAGGER_UI_FILES), 'docs-init.js'].join(', ')}`,
      );
    }
    const a = asset(name);
    const etag = `"${a.hash}"`;
    c.header('content-security-policy', DOCS_CSP);
    c.header('cache-control', IMMUTABLE);
    c.header('etag', etag);
    c.header('x-content-type-options', 'nosniff');
    if (
      c.req
        .header('if-none-match')
        ?.split(',')
        .some((t) => t.trim().replace(/^W\//, '') === etag)
    )
      return c.body(null, 304);
    c.header('content-type', a.type);
    return c.body(a.body as Uint8Array<ArrayBuffer>, 200);
  });
}
