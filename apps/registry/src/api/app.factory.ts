import Fastify, { type FastifyInstance } from 'fastify';
import { aclGuard } from '../acl/acl.hook.js';
import { badRequest } from '../registry.errors.js';
import type { ApiContext } from './api.context.js';
import { registerAgentCheckRoutes } from './agent-check.routes.js';
import { registerAgentRoutes } from './agent.routes.js';
import { registerCatalogRoutes } from './catalog.routes.js';
import { clientErrorHandler, errorHandler, frameworkErrorHandler, notFoundHandler } from './error.handlers.js';
import { registerEventRoutes } from './event.routes.js';
import { registerHealthRoutes } from './health.routes.js';
import { registerKvRoutes } from './kv.routes.js';
import { registerSessionRoutes } from './session.routes.js';
import { registerStatusRoutes } from './status.routes.js';
import { registerTxnRoutes } from './txn.routes.js';
import { registerUiRoutes } from './ui.routes.js';
import { sendJson } from './route.table.js';

export interface AppOptions {
  readonly aclToken: string | undefined;
  readonly maxBodyBytes: number;
}

/**
 * The HTTP face of the registry: plain Fastify (Consul's API is raw bodies, wildcard KV paths and
 * plain-text errors — a Nest layer would add nothing). Bodies are read as raw bytes and decoded by
 * each endpoint, so malformed JSON gets Consul's own 400 text.
 */
export function buildApp(ctx: ApiContext, options: AppOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: options.maxBodyBytes,
    // Blocking queries hold requests for minutes: closing must not wait for them.
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 1024 },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
  app.setErrorHandler(errorHandler(ctx.logger));
  app.setNotFoundHandler(notFoundHandler);
  // Callback-style hooks: no promise per request on the blocking-query path.
  const guard = aclGuard(options.aclToken);
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      guard(request);
      checkCommonQuery(request.query as Record<string, unknown>, ctx.node.datacenter);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
  app.get('/health', async (_request, reply) => {
    await sendJson(reply, { status: 'ok', index: ctx.state.lastIndex });
  });
  registerAgentRoutes(app, ctx);
  registerAgentCheckRoutes(app, ctx);
  registerCatalogRoutes(app, ctx);
  registerHealthRoutes(app, ctx);
  registerKvRoutes(app, ctx);
  registerSessionRoutes(app, ctx);
  registerStatusRoutes(app, ctx);
  registerTxnRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerUiRoutes(app);
  return app;
}

/** `?dc` other than ours cannot be served; `?filter` answered unfiltered would be silently wrong, so refuse both. */
function checkCommonQuery(query: Record<string, unknown>, datacenter: string): void {
  const dc = query['dc'];
  if (typeof dc === 'string' && dc !== '' && dc !== datacenter) throw badRequest(`No path to datacenter "${dc}"`);
  if (query['filter'] !== undefined) throw badRequest('Filter expressions (?filter) are not supported by meshway-registry');
}
