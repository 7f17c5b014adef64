import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CONSUL_SERVICE, SERF_HEALTH_CHECK_ID, type ServiceRecord } from '../model/records.js';
import { badRequest, notFound } from '../registry.errors.js';
import { deregisterService, registerService, setNodeMaintenance, setServiceMaintenance } from '../state/catalog.ops.js';
import { Topic } from '../state/change.feed.js';
import { nodeKey } from '../state/state.tables.js';
import type { ApiContext } from './api.context.js';
import { decodeJson, FieldReader } from './json-body.js';
import { boolParam, stringParam, type Query } from './query.params.js';
import { answerRead } from './read.handler.js';
import { emptyAnswer, jsonAnswer } from './response.cache.js';
import { route, sendJson, sendResult } from './route.table.js';
import { parseServiceRegistration, reservedConsulService } from './service.definition.js';
import { agentServiceView, compare } from './views.js';
import { selfView, memberView } from './agent-self.view.js';

/** `/v1/agent/*` except checks: the registry is the agent of its own node. */
export function registerAgentRoutes(app: FastifyInstance, ctx: ApiContext): void {
  registerAgentReads(app, ctx);
  registerAgentWrites(app, ctx);
}

function registerAgentReads(app: FastifyInstance, ctx: ApiContext): void {
  route(app, ['GET'], '/v1/agent/self', async (_request, reply) => {
    await sendJson(reply, selfView(ctx));
  });
  route(app, ['GET'], '/v1/agent/members', async (_request, reply) => {
    await sendJson(reply, [memberView(ctx)]);
  });
  route(app, ['GET'], '/v1/agent/services', (request, reply) =>
    answerRead(ctx, request, reply, {
      watch: { topics: [Topic.services] },
      index: () => ctx.state.indexOf(Topic.services),
      compute: () => jsonAnswer(localServices(ctx)),
      cacheKey: 'agent/services',
    }),
  );
  route(app, ['GET'], '/v1/agent/service/:id', (request, reply) => {
    const id = param(request, 'id');
    requireService(ctx, id, `unknown service ID: ${id}`);
    return answerRead(ctx, request, reply, {
      watch: { topics: [Topic.services] },
      index: () => ctx.state.indexOf(Topic.services),
      compute: () => {
        const service = agentService(ctx, id);
        if (!service) return { ...emptyAnswer(404), payload: Buffer.from(`unknown service ID: ${id}`) };
        return jsonAnswer({ ...agentServiceView(service, ctx.node.datacenter), ContentHash: String(service.ModifyIndex) });
      },
    });
  });
}

function registerAgentWrites(app: FastifyInstance, ctx: ApiContext): void {
  route(app, ['PUT'], '/v1/agent/service/register', async (request, reply) => {
    const reader = new FieldReader(decodeJson(request.body), 'ServiceDefinition');
    const replace = boolParam(request.query as Query, 'replace-existing-checks');
    const registration = parseServiceRegistration(reader, ctx.node.name, ctx.checks.minIntervalMs, replace);
    if (registration.service.ID === CONSUL_SERVICE) throw reservedConsulService();
    await ctx.state.write((tx) => {
      registerService(tx, registration, ctx.clock.now());
    }).durable;
    await sendResult(reply);
  });
  route(app, ['PUT'], '/v1/agent/service/deregister/:id', async (request, reply) => {
    const id = param(request, 'id');
    requireService(ctx, id);
    await ctx.state.write((tx) => {
      deregisterService(tx, ctx.node.name, id, ctx.clock.now());
    }).durable;
    await sendResult(reply);
  });
  route(app, ['PUT'], '/v1/agent/service/maintenance/:id', async (request, reply) => {
    const id = param(request, 'id');
    const enable = enableParam(request.query as Query);
    const service = requireService(ctx, id);
    await ctx.state.write((tx) => {
      setServiceMaintenance(tx, service, enable, stringParam(request.query as Query, 'reason') ?? '', ctx.clock.now());
    }).durable;
    await sendResult(reply);
  });
  route(app, ['PUT'], '/v1/agent/maintenance', async (request, reply) => {
    const enable = enableParam(request.query as Query);
    await ctx.state.write((tx) => {
      setNodeMaintenance(tx, ctx.node.name, enable, stringParam(request.query as Query, 'reason') ?? '', ctx.clock.now());
    }).durable;
    await sendResult(reply);
  });
}

/** `?enable` of the maintenance endpoints: required, a Go boolean. */
function enableParam(query: Query): boolean {
  if (stringParam(query, 'enable') === undefined) throw badRequest('Missing value for enable');
  return boolParam(query, 'enable');
}

function localServices(ctx: ApiContext): Record<string, unknown> {
  const services = ctx.state.tables.servicesOnNode(ctx.node.name).filter(isAgentService).sort((a, b) => compare(a.ID, b.ID));
  return Object.fromEntries(services.map((s) => [s.ID, agentServiceView(s, ctx.node.datacenter)]));
}

/**
 * A service the agent manages: one on the registry's node, except the `consul` entry, which (as on a
 * Consul server) belongs to the catalog, not to the agent's local services.
 */
export function agentService(ctx: ApiContext, id: string): ServiceRecord | undefined {
  const service = ctx.state.tables.services.get(nodeKey(ctx.node.name, id));
  return service && isAgentService(service) ? service : undefined;
}

const isAgentService = (service: ServiceRecord): boolean => service.ID !== CONSUL_SERVICE;

function requireService(ctx: ApiContext, id: string, reason?: string): ServiceRecord {
  const service = agentService(ctx, id);
  if (!service) throw notFound(reason ?? `Unknown service ID ${JSON.stringify(id)}. Ensure that the service ID is passed, not the service name.`);
  return service;
}

const PARAM_LABELS: Readonly<Record<string, string>> = { id: 'ID', node: 'node name', name: 'service name', service: 'service name', state: 'check state' };

/** A path parameter; an empty one (`/v1/health/service/`) is a 400 `Missing …`, as in Consul. */
export function param(request: FastifyRequest, name: string): string {
  const value = (request.params as Record<string, string | undefined>)[name] ?? '';
  if (value === '') throw badRequest(`Missing ${PARAM_LABELS[name] ?? name}`);
  return value;
}

/** Checks the agent manages (its own node's, without the node-level serfHealth). */
export function isAgentCheck(ctx: ApiContext, node: string, checkId: string): boolean {
  return node === ctx.node.name && checkId !== SERF_HEALTH_CHECK_ID;
}
