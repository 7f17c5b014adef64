import type { FastifyInstance } from 'fastify';
import { CHECK_STATUSES, type CheckRecord, type CheckStatus } from '../model/records.js';
import { badRequest, notFound } from '../registry.errors.js';
import { deregisterCheck, registerCheck, updateCheck } from '../state/catalog.ops.js';
import { Topic } from '../state/change.feed.js';
import { nodeKey } from '../state/state.tables.js';
import type { ApiContext } from './api.context.js';
import { agentService, isAgentCheck, param } from './agent.routes.js';
import { parseCheck } from './check.definition.js';
import { decodeJson, FieldReader } from './json-body.js';
import { stringParam, type Query } from './query.params.js';
import { answerRead } from './read.handler.js';
import { jsonAnswer } from './response.cache.js';
import { route, sendResult } from './route.table.js';
import { checkView, compare } from './views.js';

/** Consul truncates check output to 4 KiB. */
export const MAX_OUTPUT_BYTES = 4096;

/** `/v1/agent/checks` and `/v1/agent/check/*`. */
export function registerAgentCheckRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(app, ['GET'], '/v1/agent/checks', (request, reply) =>
    answerRead(ctx, request, reply, {
      watch: { topics: [Topic.checks] },
      index: () => ctx.state.indexOf(Topic.checks),
      compute: () => jsonAnswer(agentChecks(ctx)),
      cacheKey: 'agent/checks',
    }),
  );
  registerCheckWrites(app, ctx);
}

function registerCheckWrites(app: FastifyInstance, ctx: ApiContext): void {
  route(app, ['PUT'], '/v1/agent/check/register', async (request, reply) => {
    const reader = new FieldReader(decodeJson(request.body), 'CheckDefinition');
    const name = reader.string('Name');
    if (name === undefined || name === '') throw badRequest('Missing check name');
    const serviceId = reader.string('ServiceID') ?? '';
    const service = serviceId === '' ? undefined : agentService(ctx, serviceId);
    if (serviceId !== '' && !service) throw badRequest(`ServiceID "${serviceId}" does not exist`);
    const input = parseCheck(reader, {
      node: ctx.node.name,
      serviceId,
      serviceName: service?.Service ?? '',
      serviceTags: service?.Tags ?? [],
      defaultId: name,
      defaultName: name,
      minIntervalMs: ctx.checks.minIntervalMs,
    });
    if (!input) throw badRequest('Invalid check: one of TTL, HTTP (with Interval) or TCP (with Interval) is required');
    await ctx.state.write((tx) => {
      registerCheck(tx, input, ctx.clock.now());
    }).durable;
    await sendResult(reply);
  });
  route(app, ['PUT'], '/v1/agent/check/deregister/:id', async (request, reply) => {
    const check = requireCheck(ctx, param(request, 'id'));
    await ctx.state.write((tx) => {
      deregisterCheck(tx, check.Node, check.CheckID, ctx.clock.now());
    }).durable;
    await sendResult(reply);
  });
  for (const [verb, status] of [['pass', 'passing'], ['warn', 'warning'], ['fail', 'critical']] as const) {
    route(app, ['PUT'], `/v1/agent/check/${verb}/:id`, async (request, reply) => {
      const note = stringParam(request.query as Query, 'note') ?? '';
      await setTtlStatus(ctx, param(request, 'id'), status, note);
      await sendResult(reply);
    });
  }
  route(app, ['PUT'], '/v1/agent/check/update/:id', async (request, reply) => {
    const reader = new FieldReader(decodeJson(request.body), 'checkUpdate');
    const status = reader.string('Status') ?? '';
    if (!CHECK_STATUSES.includes(status as CheckStatus)) throw badRequest(`Invalid check status: '${status}'`);
    await setTtlStatus(ctx, param(request, 'id'), status as CheckStatus, reader.string('Output') ?? '');
    await sendResult(reply);
  });
}

async function setTtlStatus(ctx: ApiContext, id: string, status: CheckStatus, output: string): Promise<void> {
  const check = requireCheck(ctx, id);
  if (check.Type !== 'ttl') throw badRequest(`CheckID "${id}" does not have associated TTL`);
  ctx.checks.heartbeat(check);
  await ctx.state.write((tx) => {
    updateCheck(tx, check, status, truncateOutput(output), ctx.clock.now());
  }).durable;
}

function requireCheck(ctx: ApiContext, id: string): CheckRecord {
  const check = ctx.state.tables.checks.get(nodeKey(ctx.node.name, id));
  if (!check || !isAgentCheck(ctx, check.Node, check.CheckID)) {
    throw notFound(`Unknown check ID ${JSON.stringify(id)}. Ensure that the check ID is passed, not the check name.`);
  }
  return check;
}

function agentChecks(ctx: ApiContext): Record<string, unknown> {
  const checks = ctx.state.tables.checksOnNode(ctx.node.name).filter((c) => isAgentCheck(ctx, c.Node, c.CheckID));
  checks.sort((a, b) => compare(a.CheckID, b.CheckID));
  return Object.fromEntries(checks.map((c) => [c.CheckID, checkView(c)]));
}

/** Cuts output at 4 KiB like Consul, saying so. */
export function truncateOutput(output: string): string {
  const bytes = Buffer.from(output, 'utf8');
  if (bytes.length <= MAX_OUTPUT_BYTES) return output;
  return `${bytes.subarray(0, MAX_OUTPUT_BYTES).toString('utf8')} ... (captured ${MAX_OUTPUT_BYTES} of ${bytes.length} bytes)`;
}
