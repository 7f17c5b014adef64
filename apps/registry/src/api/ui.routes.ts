import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

/** The dashboard: one self-contained HTML file, read once at start. */
const DASHBOARD = readFileSync(new URL('../ui/dashboard.html', import.meta.url), 'utf8');

export function registerUiRoutes(app: FastifyInstance): void {
  for (const url of ['/ui', '/ui/']) {
    app.get(url, async (_request, reply) => {
      await reply
        .type('text/html; charset=utf-8')
        .header('Content-Security-Policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'")
        .header('X-Content-Type-Options', 'nosniff')
        .send(DASHBOARD);
    });
  }
  app.get('/', async (_request, reply) => {
    await reply.redirect('/ui/', 301);
  });
}
