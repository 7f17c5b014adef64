import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { formatGoDuration } from '../model/go-duration.js';
import { SERF_HEALTH_CHECK_ID, type SessionRecord } from '../model/records.js';
import type { Content } from '../model/record-content.js';
import { badRequest, notFound } from '../registry.errors.js';
import { Topic } from '../state/change.feed.js';
import { destroySession } from '../state/session.ops.js';
import { nodeKey } from '../state/state.tables.js';
import type { ApiContext } from './api.context.js';
import { param } from './agent.routes.js';
import { decodeJson, FieldReader } from './json-body.js';
import { answerRead } from './read.handler.js';
import { jsonAnswer } from './response.cache.js';
import { route, sendResult } from './route.table.js';
import { compare, sessionView } from './views.js';

const MIN_TTL_MS = 10_000;
const MAX_TTL_MS = 86_400_000;
const MAX_LOCK_DELAY_MS = 60_000;
const DEFAULT_LOCK_DELAY_MS = 15_000;

/** `/v1/session/*`. */
export function registerSessionRoutes(app: FastifyInstance, ctx: ApiContext): void {
  registerSessionWrites(app, ctx);
  registerSessionReads(app, ctx);
}

function registerSessionWrites(app: FastifyInstance, ctx: ApiContext): void {
  route(app, ['PUT'], '/v1/session/create', async (request, reply) => {
    const session = parseSession(new FieldReader(decodeJson(request.body), 'SessionRequest'), ctx);
    await ctx.state.write((tx) => tx.putSession(session)).durable;
    await sendResult(reply, { ID: session.ID });
  });
  route(app, ['PUT'], '/v1/session/destroy/:id', async (request, reply) => {
    const id = param(request, 'id');
    await ctx.state.write((tx) => {
      destroySession(tx, id, ctx.clock.now());
    }).durable;
    await sendResult(reply, true);
  });
  route(app, ['PUT'], '/v1/session/renew/:id', async (request, reply) => {
    const id = param(request, 'id');
    const session = ctx.state.tables.sessions.get(id);
    if (!session) throw notFound(`Session id '${id}' not found`);
    ctx.sessions.renew(session);
    await ctx.state.whenDurable();
    await sendResult(reply, [sessionView(session)]);
  });
}

function registerSessionReads(app: FastifyInstance, ctx: ApiContext): void {
  route(app, ['GET'], '/v1/session/info/:id', (request, reply) => {
    const id = param(request, 'id');
    return answerRead(ctx, request, reply, {
      watch: { topics: [Topic.sessions] },
      index: () => ctx.state.indexOf(Topic.sessions),
      compute: () => {
        const session = ctx.state.tables.sessions.get(id);
        return jsonAnswer(session ? [sessionView(session)] : []);
      },
    });
  });
  route(app, ['GET'], '/v1/session/node/:node', (request, reply) => {
    const node = param(request, 'node');
    return answerRead(ctx, request, reply, {
      watch: { topics: [Topic.sessions] },
      index: () => ctx.state.indexOf(Topic.sessions),
      compute: () => jsonAnswer(sessions(ctx).filter((s) => s.Node === node).map(sessionView)),
    });
  });
  route(app, ['GET'], '/v1/session/list', (request, reply) =>
    answerRead(ctx, request, reply, {
      watch: { topics: [Topic.sessions] },
      index: () => ctx.state.indexOf(Topic.sessions),
      compute: () => jsonAnswer(sessions(ctx).map(sessionView)),
      cacheKey: 'session/list',
    }),
  );
}

function sessions(ctx: ApiContext): SessionRecord[] {
  return [...ctx.state.tables.sessions.values()].sort((a, b) => compare(a.ID, b.ID));
}

/** Reads a session request with Consul's defaults and rules (TTL 10 s–24 h, lock-delay ≤ 60 s, checks must exist and not be critical). */
function parseSession(reader: FieldReader, ctx: ApiContext): Content<SessionRecord> {
  const node = reader.string('Node') || ctx.node.name;
  if (!ctx.state.tables.nodes.has(node)) throw badRequest(`Missing node registration for "${node}"`);
  const behavior = reader.string('Behavior') || 'release';
  if (behavior !== 'release' && behavior !== 'delete') throw badRequest(`Invalid Behavior setting '${behavior}'`);
  const ttlMs = reader.duration('TTL');
  if (ttlMs !== undefined && ttlMs !== 0 && (ttlMs < MIN_TTL_MS || ttlMs > MAX_TTL_MS)) {
    throw badRequest(`Invalid Session TTL '${formatGoDuration(ttlMs)}', must be between [${formatGoDuration(MIN_TTL_MS)}=${formatGoDuration(MAX_TTL_MS)}]`);
  }
  const lockDelayMs = lockDelay(reader.raw('LockDelay') === undefined ? undefined : reader);
  const nodeChecks = reader.strings('NodeChecks') ?? reader.strings('Checks') ?? [SERF_HEALTH_CHECK_ID];
  const serviceChecks = (reader.objects('ServiceChecks') ?? []).map((c) => ({ ID: c.string('ID') ?? '', Namespace: c.string('Namespace') ?? '' }));
  for (const checkId of [...nodeChecks, ...serviceChecks.map((c) => c.ID)]) {
    const check = ctx.state.tables.checks.get(nodeKey(node, checkId));
    if (!check) throw badRequest(`Missing check '${checkId}' registration`);
    if (check.Status === 'critical') throw badRequest(`Check '${checkId}' is in critical state`);
  }
  return {
    ID: randomUUID(),
    Name: reader.string('Name') ?? '',
    Node: node,
    LockDelayMs: lockDelayMs,
    Behavior: behavior,
    // Consul keeps the TTL text as the client wrote it.
    TTL: ttlMs === undefined || ttlMs === 0 ? '' : ttlText(reader.raw('TTL'), ttlMs),
    NodeChecks: nodeChecks,
    ServiceChecks: serviceChecks,
  };
}

/** Consul reads a small LockDelay number as seconds, a large one as nanoseconds, a string as a duration. */
function lockDelay(reader: FieldReader | undefined): number {
  if (!reader) return DEFAULT_LOCK_DELAY_MS;
  const raw = reader.raw('LockDelay');
  const ms = typeof raw === 'number' && raw < 1000 ? raw * 1000 : reader.duration('LockDelay');
  if (ms === undefined || ms < 0) throw badRequest('Invalid LockDelay');
  if (ms > MAX_LOCK_DELAY_MS) throw badRequest(`Lock delay must be at most ${formatGoDuration(MAX_LOCK_DELAY_MS)}`);
  return ms;
}

function ttlText(raw: unknown, ms: number): string {
  return typeof raw === 'string' ? raw.trim() : formatGoDuration(ms);
}
