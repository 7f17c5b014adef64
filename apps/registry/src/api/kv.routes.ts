import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, ConsulHttpError, RegistryErrorCode } from '../registry.errors.js';
import { kvDelete, kvSet } from '../state/kv.ops.js';
import { MAX_STORE_KEY_BYTES } from '../store/store.types.js';
import type { ApiContext } from './api.context.js';
import { boolParam, stringParam, uintParam, type Query } from './query.params.js';
import { answerRead } from './read.handler.js';
import { emptyAnswer, jsonAnswer, type Answer } from './response.cache.js';
import { route, sendResult } from './route.table.js';
import { compare, kvView } from './views.js';

/** Consul's `kv_max_value_size` default. */
export const MAX_KV_VALUE_BYTES = 512 * 1024;

/** `/v1/kv/<key>`: GET (`?recurse`, `?keys`, `?separator`, `?raw`), PUT (`?flags`, `?cas`, `?acquire`, `?release`), DELETE (`?recurse`, `?cas`). */
export function registerKvRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(app, ['GET', 'PUT', 'DELETE'], '/v1/kv/*', async (request, reply) => {
    const key = kvKey(request);
    const query = request.query as Query;
    if (request.method === 'GET') {
      await answerRead(ctx, request, reply, readSpec(ctx, key, query));
      return;
    }
    const recurse = boolParam(query, 'recurse');
    if (key === '' && !(request.method === 'DELETE' && recurse)) throw badRequest('Missing key name');
    if (Buffer.byteLength(key) > MAX_STORE_KEY_BYTES) throw badRequest(`Key too long: ${Buffer.byteLength(key)} bytes; meshway-registry keeps keys of at most ${MAX_STORE_KEY_BYTES} bytes`);
    const result = request.method === 'PUT' ? await put(ctx, key, query, request.body) : await remove(ctx, key, query, recurse);
    await sendResult(reply, result);
  }, MAX_KV_VALUE_BYTES);
}

function readSpec(ctx: ApiContext, key: string, query: Query): Parameters<typeof answerRead>[3] {
  const keysOnly = boolParam(query, 'keys');
  const recurse = boolParam(query, 'recurse');
  const raw = boolParam(query, 'raw');
  const separator = stringParam(query, 'separator') ?? '';
  if (key === '' && !recurse && !keysOnly) throw badRequest('Missing key name');
  const prefixed = keysOnly || recurse;
  const match = prefixed ? (k: string): boolean => k.startsWith(key) : (k: string): boolean => k === key;
  return {
    watch: prefixed ? { kvPrefix: key } : { kvKey: key },
    index: () => ctx.state.kvIndex(match),
    compute: () => (keysOnly ? listKeys(ctx, key, separator) : recurse ? listEntries(ctx, key) : oneEntry(ctx, key, raw)),
    cacheKey: `kv/${String(keysOnly)}/${String(recurse)}/${String(raw)}/${separator}/${key}`,
  };
}

function oneEntry(ctx: ApiContext, key: string, raw: boolean): Answer {
  const entry = ctx.state.tables.kv.get(key);
  if (!entry) return emptyAnswer(404);
  if (!raw) return jsonAnswer([kvView(entry)]);
  return { status: 200, payload: entry.Value === null ? Buffer.alloc(0) : Buffer.from(entry.Value, 'base64'), contentType: 'text/plain; charset=utf-8' };
}

function listEntries(ctx: ApiContext, prefix: string): Answer {
  const entries = [...ctx.state.tables.kv.values()].filter((e) => e.Key.startsWith(prefix)).sort((a, b) => compare(a.Key, b.Key));
  return entries.length === 0 ? emptyAnswer(404) : jsonAnswer(entries.map(kvView));
}

/** `?keys`: keys under `prefix`; with `?separator`, each cut after the first separator past the prefix. */
function listKeys(ctx: ApiContext, prefix: string, separator: string): Answer {
  const keys = new Set<string>();
  for (const key of ctx.state.tables.kv.keys()) {
    if (!key.startsWith(prefix)) continue;
    const at = separator === '' ? -1 : key.indexOf(separator, prefix.length);
    keys.add(at === -1 ? key : key.slice(0, at + separator.length));
  }
  return keys.size === 0 ? emptyAnswer(404) : jsonAnswer([...keys].sort(compare));
}

async function put(ctx: ApiContext, key: string, query: Query, body: unknown): Promise<boolean> {
  const value = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  if (value.length > MAX_KV_VALUE_BYTES) throw tooLarge(value.length);
  const acquire = stringParam(query, 'acquire');
  const release = stringParam(query, 'release');
  if (acquire !== undefined && release !== undefined) throw badRequest('Conflicting flags: acquire and release cannot both be set');
  const session = acquire ?? release;
  if (session !== undefined && !ctx.state.tables.sessions.has(session)) throw badRequest(`Invalid session "${session}"`);
  const input = {
    key,
    value: value.length === 0 ? null : value.toString('base64'),
    flags: uintParam(query, 'flags') ?? 0,
    ...optional('cas', uintParam(query, 'cas')),
    ...optional('acquire', acquire),
    ...optional('release', release),
  };
  const write = ctx.state.write((tx) => kvSet(tx, input, ctx.clock.now()));
  await write.durable;
  return write.result;
}

async function remove(ctx: ApiContext, key: string, query: Query, recurse: boolean): Promise<boolean> {
  const cas = uintParam(query, 'cas');
  const write = ctx.state.write((tx) => kvDelete(tx, { key, recurse, ...optional('cas', cas) }));
  await write.durable;
  return write.result;
}

/** The key is the rest of the path, percent-decoded (`a%2Fb` is `a/b`); fastify has decoded it already. */
function kvKey(request: FastifyRequest): string {
  return (request.params as Record<string, string | undefined>)['*'] ?? '';
}

export function tooLarge(bytes: number): ConsulHttpError {
  return new ConsulHttpError(
    RegistryErrorCode.TooLarge,
    `Request body(${bytes} bytes) too large, max size: ${MAX_KV_VALUE_BYTES} bytes. See https://developer.hashicorp.com/consul/docs/agent/config/config-files#kv_max_value_size.`,
  );
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
