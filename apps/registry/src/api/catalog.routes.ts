import type { FastifyInstance } from 'fastify';
import { Topic } from '../state/change.feed.js';
import type { ApiContext } from './api.context.js';
import { param } from './agent.routes.js';
import { applyCatalogDeregistration, applyCatalogRegistration, parseCatalogDeregistration, parseCatalogRegistration } from './catalog.registration.js';
import { decodeJson, FieldReader } from './json-body.js';
import { listParam, type Query } from './query.params.js';
import { answerRead } from './read.handler.js';
import { jsonAnswer } from './response.cache.js';
import { route, sendResult } from './route.table.js';
import { byNodeThenId, catalogServiceView, compare, nodeView, agentServiceView, serviceView } from './views.js';

/** `/v1/catalog/*`. */
export function registerCatalogRoutes(app: FastifyInstance, ctx: ApiContext): void {
  registerCatalogWrites(app, ctx);
  registerCatalogReads(app, ctx);
}

function registerCatalogWrites(app: FastifyInstance, ctx: ApiContext): void {
  route(app, ['PUT'], '/v1/catalog/register', async (request, reply) => {
    const registration = parseCatalogRegistration(new FieldReader(decodeJson(request.body), 'RegisterRequest'), ctx);
    await ctx.state.write((tx) => {
      applyCatalogRegistration(tx, registration, ctx.clock.now());
    }).durable;
    await sendResult(reply, true);
  });
  route(app, ['PUT'], '/v1/catalog/deregister', async (request, reply) => {
    const deregistration = parseCatalogDeregistration(new FieldReader(decodeJson(request.body), 'DeregisterRequest'), ctx);
    await ctx.state.write((tx) => {
      applyCatalogDeregistration(tx, deregistration, ctx.clock.now());
    }).durable;
    await sendResult(reply, true);
  });
}

function registerCatalogReads(app: FastifyInstance, ctx: ApiContext): void {
  route(app, ['GET'], '/v1/catalog/datacenters', async (_request, reply) => {
    await sendResult(reply, [ctx.node.datacenter]);
  });
  route(app, ['GET'], '/v1/catalog/nodes', (request, reply) =>
    answerRead(ctx, request, reply, {
      watch: { topics: [Topic.nodes] },
      index: () => ctx.state.indexOf(Topic.nodes),
      compute: () => jsonAnswer([...ctx.state.tables.nodes.values()].sort((a, b) => compare(a.Node, b.Node)).map(nodeView)),
      cacheKey: 'catalog/nodes',
    }),
  );
  route(app, ['GET'], '/v1/catalog/node/:node', (request, reply) => {
    const name = param(request, 'node');
    return answerRead(ctx, request, reply, {
      watch: { topics: [Topic.node(name)] },
      index: () => ctx.state.indexOf(Topic.node(name), Topic.nodes),
      compute: () => jsonAnswer(nodeServices(ctx, name)),
    });
  });
  route(app, ['GET'], '/v1/catalog/services', (request, reply) =>
    answerRead(ctx, request, reply, {
      watch: { topics: [Topic.services] },
      index: () => ctx.state.indexOf(Topic.services),
      compute: () => jsonAnswer(serviceTags(ctx)),
      cacheKey: 'catalog/services',
    }),
  );
  route(app, ['GET'], '/v1/catalog/service/:name', (request, reply) => {
    const name = param(request, 'name');
    const tags = listParam(request.query as Query, 'tag');
    return answerRead(ctx, request, reply, {
      watch: { topics: [Topic.service(name)] },
      index: () => ctx.state.indexOf(Topic.service(name)),
      compute: () => {
        const instances = ctx.state.tables.instancesOf(name).filter((s) => tags.every((t) => s.Tags.includes(t)));
        instances.sort(byNodeThenId((s) => s.ID));
        return jsonAnswer(instances.map((s) => catalogServiceView(ctx.state.tables.nodes.get(s.Node), s)));
      },
      cacheKey: `catalog/service/${name}?${tags.join('&')}`,
    });
  });
}

function serviceTags(ctx: ApiContext): Record<string, string[]> {
  const names = ctx.state.tables.serviceNames().sort(compare);
  return Object.fromEntries(names.map((name) => [name, [...new Set(ctx.state.tables.instancesOf(name).flatMap((s) => s.Tags))].sort(compare)]));
}

function nodeServices(ctx: ApiContext, name: string): unknown {
  const node = ctx.state.tables.nodes.get(name);
  if (!node) return null;
  const services = ctx.state.tables.servicesOnNode(name).sort((a, b) => compare(a.ID, b.ID));
  return {
    Node: nodeView(node),
    Services: Object.fromEntries(services.map((s) => [s.ID, { ...agentServiceView(s, node.Datacenter), ...serviceView(s) }])),
  };
}
