/**
 * `/docs`: the OpenAPI document rendered by Swagger UI (swagger-ui-dist), every asset served by the
 * API itself from node_modules — no CDN, no other host (the page's Content-Security-Policy says
 * so to the browser too). Links are relative, so the page also works behind a path prefix.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { etagOf, matchingEtag } from './etag.js';
import type { CachedBody } from './snapshotCache.js';

export const DOCS_PATH = '/docs';

const require = createRequire(import.meta.url);
const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>careerdata API</title>
<link rel="stylesheet" href="docs/swagger-ui.css">
<link rel="icon" type="image/png" href="docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/init.js"></script>
</body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise fetch a badge from validator.swagger.io.
const INIT = `window.ui = SwaggerUIBundle({
  url: new URL('v1/openapi.json', document.baseURI).href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: false,
});
`;

/** Everything the page loads: only same-origin scripts, styles, images and requests. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const ASSETS: Record<string, { type: string; file?: string; text?: string }> = {
  '': { type: 'text/html; charset=utf-8', text: PAGE },
  'init.js': { type: 'text/javascript; charset=utf-8', text: INIT },
  'swagger-ui.css': { type: 'text/css; charset=utf-8', file: 'swagger-ui.css' },
  'swagger-ui-bundle.js': { type: 'text/javascript; charset=utf-8', file: 'swagger-ui-bundle.js' },
  'favicon-32x32.png': { type: 'image/png', file: 'favicon-32x32.png' },
};

export function registerDocs(app: FastifyInstance): void {
  const loaded = new Map<string, Promise<CachedBody>>();
  const load = (name: string): Promise<CachedBody> => {
    let p = loaded.get(name);
    if (!p) {
      const asset = ASSETS[name]!;
      p = (
        asset.file
          ? readFile(path.join(SWAGGER_UI_DIR, asset.file))
          : Promise.resolve(Buffer.from(asset.text!))
      ).then((body) => ({ body, etag: etagOf(body) }));
      p.catch(() => loaded.delete(name));
      loaded.set(name, p);
    }
    return p;
  };
  const serve = async (name: string, req: FastifyRequest, reply: FastifyReply) => {
    const asset = ASSETS[name]!;
    const cached = await load(name);
    reply.headers({
      etag: cached.etag,
      // The page revalidates (a new release may change it); the assets are versioned with the package.
      'cache-control': name === '' ? 'no-cache' : 'public, max-age=86400',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
    });
    const matched = matchingEtag(req.headers['if-none-match'], cached.etag);
    if (matched) return reply.header('etag', matched).code(304).send();
    return reply.type(asset.type).send(cached.body);
  };
  app.get(DOCS_PATH, async (req, reply) => serve('', req, reply));
  for (const name of Object.keys(ASSETS).filter(Boolean)) {
    app.get(`${DOCS_PATH}/${name}`, async (req, reply) => serve(name, req, reply));
  }
}
