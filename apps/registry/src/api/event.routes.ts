import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { eventIndex, type UserEvent } from '../events/user-event.log.js';
import { UserEventFilter, type LocalTarget } from '../events/user-event.filter.js';
import { USER_EVENT_SIZE_LIMIT, userEventSize } from '../events/user-event.size.js';
import { CONSUL_SERVICE } from '../model/records.js';
import { badRequest, ConsulHttpError, RegistryErrorCode } from '../registry.errors.js';
import { Topic } from '../state/change.feed.js';
import type { ApiContext } from './api.context.js';
import { stringParam, type Query } from './query.params.js';
import { answerRead } from './read.handler.js';
import { jsonAnswer } from './response.cache.js';
import { route, sendJson } from './route.table.js';

/** Consul reserves this name for remote exec, which it disables by default: such events are not kept. */
const REMOTE_EXEC_EVENT = '_rexec';
/** Far above what serf's 512-byte limit lets through; larger bodies are refused before they are read whole. */
const MAX_EVENT_BODY_BYTES = 64 * 1024;

/**
 * `/v1/event/*`: user events, kept by this agent in memory (the last 256, as Consul's agent) — they
 * do not survive a restart, exactly as on a Consul agent.
 */
export function registerEventRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(
    app,
    ['PUT'],
    '/v1/event/fire/*',
    async (request, reply) => {
      const event = parseFire(request);
      if (event.Name !== REMOTE_EXEC_EVENT && event.filter.accepts(localTarget(ctx))) ctx.events.ingest(event.fields);
      // Consul answers the event as fired, before the agent received it: LTime 0.
      await sendJson(reply, { ...event.fields, LTime: 0 });
    },
    MAX_EVENT_BODY_BYTES,
  );
  route(app, ['GET'], '/v1/event/list', (request, reply) => {
    const name = stringParam(request.query as Query, 'name') ?? '';
    const events = (): UserEvent[] => ctx.events.list().filter((e) => name === '' || e.Name === name);
    return answerRead(ctx, request, reply, {
      watch: { topics: [Topic.events] },
      // Derived from the last event's random ID: a new event changes it, in either direction.
      blockUntil: 'differs',
      index: () => {
        const last = events().at(-1);
        // Never 0, which would make watchers loop hot (Consul answers 1 for no events).
        return last ? eventIndex(last.ID) || 1n : 1n;
      },
      compute: () => jsonAnswer(events()),
    });
  });
}

function parseFire(request: FastifyRequest): { Name: string; fields: Omit<UserEvent, 'LTime'>; filter: UserEventFilter } {
  const name = (request.params as Record<string, string | undefined>)['*'] ?? '';
  if (name === '') throw badRequest('Missing name');
  const query = request.query as Query;
  const node = stringParam(query, 'node') ?? '';
  const service = stringParam(query, 'service') ?? '';
  const tag = stringParam(query, 'tag') ?? '';
  const filter = new UserEventFilter({ node, service, tag });
  const payload = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  if (userEventSize({ name, payload, nodeFilter: node, serviceFilter: service, tagFilter: tag }) > USER_EVENT_SIZE_LIMIT) {
    throw new ConsulHttpError(RegistryErrorCode.TooLarge, `user event exceeds configured limit of ${USER_EVENT_SIZE_LIMIT} bytes before encoding`);
  }
  const fields = {
    ID: randomUUID(),
    Name: name,
    Payload: payload.length === 0 ? null : payload.toString('base64'),
    NodeFilter: node,
    ServiceFilter: service,
    TagFilter: tag,
    Version: 1,
  };
  return { Name: name, fields, filter };
}

/** This agent's node and own services (not the catalog's `consul` entry, which is no agent service). */
function localTarget(ctx: ApiContext): LocalTarget {
  const services = ctx.state.tables.servicesOnNode(ctx.node.name).filter((s) => s.ID !== CONSUL_SERVICE);
  return { node: ctx.node.name, services: services.map((s) => ({ id: s.ID, name: s.Service, tags: s.Tags })) };
}
