import type { FastifyInstance } from 'fastify';
import type { CheckRecord } from '../model/records.js';
import { badRequest } from '../registry.errors.js';
import { Topic } from '../state/change.feed.js';
import type { ApiContext } from './api.context.js';
import { param } from './agent.routes.js';
import { boolParam, listParam, type Query } from './query.params.js';
import { answerRead } from './read.handler.js';
import { jsonAnswer } from './response.cache.js';
import { route } from './route.table.js';
import { byNodeThenId, checkView, nodeView, serviceView } from './views.js';

const STATES = ['any', 'passing', 'warning', 'critical'];

/** `/v1/health/*`. */
export function registerHealthRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(app, ['GET'], '/v1/health/node/:node', (request, reply) => {
    const node = param(request, 'node');
    return answerRead(ctx, request, reply, {
      watch: { topics: [Topic.node(node)] },
      index: () => ctx.state.indexOf(Topic.node(node)),
      compute: () => jsonAnswer(sortChecks(ctx.state.tables.checksOnNode(node)).map(checkView)),
    });
  });
  route(app, ['GET'], '/v1/health/checks/:service', (request, reply) => {
    const name = param(request, 'service');
    return answerRead(ctx, request, reply, {
      watch: { topics: [Topic.service(name)] },
      index: () => ctx.state.indexOf(Topic.service(name)),
      compute: () => jsonAnswer(sortChecks(ctx.state.tables.instancesOf(name).flatMap((s) => ctx.state.tables.checksOfService(s.Node, s.ID))).map(checkView)),
      cacheKey: `health/checks/${name}`,
    });
  });
  registerHealthServiceRoute(app, ctx);
}

function registerHealthServiceRoute(app: FastifyInstance, ctx: ApiContext): void {
  route(app, ['GET'], '/v1/health/service/:name', (request, reply) => {
    const name = param(request, 'name');
    const query = request.query as Query;
    const passing = boolParam(query, 'passing');
    const tags = listParam(query, 'tag');
    return answerRead(ctx, request, reply, {
      watch: { topics: [Topic.service(name)] },
      index: () => ctx.state.indexOf(Topic.service(name)),
      compute: () => jsonAnswer(healthEntries(ctx, name, tags, passing)),
      cacheKey: `health/service/${name}?${String(passing)}&${tags.join('&')}`,
    });
  });
  route(app, ['GET'], '/v1/health/state/:state', (request, reply) => {
    const state = param(request, 'state');
    if (!STATES.includes(state)) throw badRequest(`Invalid check state "${state}": must be any, passing, warning or critical`);
    return answerRead(ctx, request, reply, {
      watch: { topics: [Topic.checks] },
      index: () => ctx.state.indexOf(Topic.checks),
      compute: () => jsonAnswer(sortChecks([...ctx.state.tables.checks.values()].filter((c) => state === 'any' || c.Status === state)).map(checkView)),
      cacheKey: `health/state/${state}`,
    });
  });
}

/**
 * `/v1/health/service/:name`: each instance with its node and every check that bears on it — the
 * node's own checks (serfHealth) and the service's. `?passing` keeps only instances whose checks all pass.
 */
function healthEntries(ctx: ApiContext, name: string, tags: readonly string[], passing: boolean): unknown[] {
  const instances = ctx.state.tables.instancesOf(name).filter((s) => tags.every((t) => s.Tags.includes(t)));
  instances.sort(byNodeThenId((s) => s.ID));
  const nodeChecks = new Map<string, CheckRecord[]>();
  const entries: unknown[] = [];
  for (const service of instances) {
    const node = ctx.state.tables.nodes.get(service.Node);
    if (!node) continue;
    const checks = [...checksOfNode(ctx, nodeChecks, service.Node), ...sortChecks(ctx.state.tables.checksOfService(service.Node, service.ID))];
    if (passing && checks.some((c) => c.Status !== 'passing')) continue;
    entries.push({ Node: nodeView(node), Service: serviceView(service), Checks: checks.map(checkView) });
  }
  return entries;
}

function checksOfNode(ctx: ApiContext, memo: Map<string, CheckRecord[]>, node: string): CheckRecord[] {
  let checks = memo.get(node);
  if (!checks) memo.set(node, (checks = sortChecks(ctx.state.tables.checksOfService(node, ''))));
  return checks;
}

function sortChecks(checks: CheckRecord[]): CheckRecord[] {
  return checks.sort(byNodeThenId((c) => c.CheckID));
}

