import type { FastifyInstance } from 'fastify';
import { CONSUL_SERVER_PORT } from '../model/records.js';
import type { ApiContext } from './api.context.js';
import { route, sendJson } from './route.table.js';

/** `/v1/status/*`: a single server that is its own leader. The address is Consul's server RPC port convention. */
export function registerStatusRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const self = `${ctx.node.address}:${CONSUL_SERVER_PORT}`;
  route(app, ['GET'], '/v1/status/leader', async (_request, reply) => {
    await sendJson(reply, self);
  });
  route(app, ['GET'], '/v1/status/peers', async (_request, reply) => {
    await sendJson(reply, [self]);
  });
}
