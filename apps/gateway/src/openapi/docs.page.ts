import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GATEWAY_RESPONSE_HEADERS } from '../gateway.errors.js';
import type { OpenApiAggregator } from './openapi.aggregator.js';

/** Where the gateway serves the merged document and the docs page, on its public port (before any route). */
export const DOCS_PATHS = { document: '/openapi.json', page: '/docs' } as const;

/** swagger-ui-dist: the maintained static build of Swagger UI; the gateway serves its files and points it at /openapi.json. */
const ASSETS_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Meshway APIs</title><link rel="stylesheet" href="${DOCS_PATHS.page}/swagger-ui.css"><link rel="icon" href="${DOCS_PATHS.page}/favicon-32x32.png"></head>
<body><div id="docs"></div>
<script src="${DOCS_PATHS.page}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATHS.page}/docs-init.js"></script>
</body></html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '${DOCS_PATHS.document}', dom_id: '#docs', deepLinking: true });`;

/** The page's own CSP: Swagger UI needs its inline styles; scripts only from here. */
const PAGE_HEADERS = { ...GATEWAY_RESPONSE_HEADERS, 'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'", 'cache-control': 'no-cache' };

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...PAGE_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Answers `GET /openapi.json` (the merged document) and `GET /docs` (Swagger UI on it); false for anything else, which
 * then goes to the routes. Checked with a few string compares, so routed traffic does not pay for it.
 */
export function docsHandler(aggregator: OpenApiAggregator): (req: IncomingMessage, res: ServerResponse, path: string) => boolean {
  return (req, res, path) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === DOCS_PATHS.document) {
      aggregator.document().then(
        (doc) => { send(res, 200, 'application/json; charset=utf-8', JSON.stringify(doc)); },
        () => { send(res, 500, 'application/json; charset=utf-8', JSON.stringify({ error: { code: 'MESHWAY_INTERNAL_ERROR', message: 'The API document could not be built.' } })); },
      );
      return true;
    }
    if (path === DOCS_PATHS.page || path === `${DOCS_PATHS.page}/`) {
      send(res, 200, 'text/html; charset=utf-8', PAGE);
      return true;
    }
    if (!path.startsWith(`${DOCS_PATHS.page}/`)) return false;
    const file = path.slice(DOCS_PATHS.page.length + 1);
    if (file === 'docs-init.js') {
      send(res, 200, 'text/javascript; charset=utf-8', INIT);
      return true;
    }
    const type = ASSETS[file];
    if (type === undefined) return false;
    res.writeHead(200, { ...PAGE_HEADERS, 'content-type': type, 'cache-control': 'public, max-age=3600' });
    createReadStream(join(ASSETS_DIR, file)).on('error', () => res.destroy()).pipe(res);
    return true;
  };
}
