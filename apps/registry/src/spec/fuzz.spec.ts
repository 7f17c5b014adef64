import { seededRandom, type Random } from '@meshway/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryError } from '../registry.errors.js';
import { memoryLogger } from './memory.logger.js';
import { http11, rawExchange, type RawReply } from './raw-http.js';
import { startFixture, type RegistryFixture } from './registry.fixture.js';

// A bounded, seeded fuzz of the registry's HTTP face: random bytes on a raw socket, random request lines,
// random/huge/duplicate headers, random paths and query strings, and random JSON bodies to the write
// endpoints. The seed is in the test name, so a failure reproduces. The registry must never crash, never
// answer 5xx, never log an unexpected error, and must still serve normal requests afterwards.

/** Explore with another seed: `REGISTRY_FUZZ_SEED=7 npx vitest run --project registry fuzz`. */
const SEED = Number(process.env['REGISTRY_FUZZ_SEED'] ?? 20261205);
const ROUNDS = { bytes: 60, lines: 60, headers: 80, paths: 160, bodies: 260 };
/** A request that gets no answer in this time counts as unanswered (e.g. a blocking query); it is not a failure. */
const REPLY_TIMEOUT_MS = 1_500;

const int = (random: Random, max: number): number => Math.floor(random() * max);
const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length)] as T;
const some = <T>(random: Random, max: number, make: () => T): T[] => Array.from({ length: int(random, max + 1) }, make);

const SEGMENTS = ['..', '.', '%2e%2e', '%2F', '%00', '\u0000', '%', '%zz', '%E0%A4%A', '%c0%af', '\\', '//', '*', ':id', ';', ' ', '\u00e9', '~', 'web', 'web-1', 'consul', 'node-1', 'serfHealth', '_node_maintenance', 'a'.repeat(1100), 'k'.repeat(2500), 'b'.repeat(40)];
const PREFIXES = [
  '/v1/agent/service/', '/v1/agent/service/deregister/', '/v1/agent/service/maintenance/', '/v1/agent/check/pass/', '/v1/agent/check/update/',
  '/v1/catalog/service/', '/v1/catalog/node/', '/v1/health/service/', '/v1/health/state/', '/v1/health/checks/', '/v1/kv/', '/v1/session/info/',
  '/v1/session/renew/', '/v1/event/fire/', '/v1/event/list', '/v1/txn', '/v1/agent/maintenance', '/v1/status/leader', '/ui', '/', '/v1/', '',
];
const QUERY_NAMES = ['index', 'wait', 'dc', 'filter', 'recurse', 'keys', 'separator', 'raw', 'cas', 'flags', 'acquire', 'release', 'passing', 'tag', 'enable', 'reason', 'name', 'node', 'service', 'token', 'replace-existing-checks', 'note', 'stale', 'consistent', 'near', '%00', ''];
const QUERY_VALUES = ['', '0', '1', '-1', '1e3', 'true', 'maybe', '18446744073709551616', '99999999999999999999999', '%', '%00', '(', '[', '(a+)+$', '.*', 'dc1', 'dc9', '1ms', '5m', 'soon', '\u00ff', 'x'.repeat(3000)];

/** Names and keys around the store's limits (lmdb-js takes keys of up to 1978 bytes). */
const long = (random: Random): string => pick(random, ['z', '\u00e9', '💥']).repeat(pick(random, [600, 1000, 1900, 2100, 5000]) / pick(random, [1, 2, 4]));

function path(random: Random): string {
  const segments = some(random, 4, () => (random() < 0.1 ? long(random) : pick(random, SEGMENTS))).join(pick(random, ['/', '']));
  const query = some(random, 4, () => {
    const name = pick(random, QUERY_NAMES);
    // Blocking reads only with a short wait, so the fuzz stays bounded.
    return name === 'index' ? `index=${pick(random, QUERY_VALUES)}&wait=${pick(random, ['1ms', '5ms'])}` : `${name}=${pick(random, QUERY_VALUES)}`;
  }).join('&');
  return `${pick(random, PREFIXES)}${segments}${query === '' ? '' : `?${query}`}`;
}

const HEADER_NAMES = ['content-length', 'transfer-encoding', 'content-type', 'x-consul-token', 'authorization', 'host', 'connection', 'expect', 'accept', 'x-fuzz', 'cookie', 'upgrade'];
const HEADER_VALUES = ['', '0', '-1', '5', '99999999999999999999', 'chunked', 'chunked, identity', 'identity', 'application/json', 'text/plain; charset=utf-16', 'close', '100-continue', 'Bearer ', 'Bearer x', '\u00ff\u00fe', 'a'.repeat(20_000), 'null', 'websocket'];

function headers(random: Random): [string, string][] {
  const list = some(random, 8, () => [pick(random, HEADER_NAMES), pick(random, HEADER_VALUES)] as [string, string]);
  // Sometimes the same header many times over.
  if (random() < 0.2) list.push(...Array.from({ length: 1 + int(random, 200) }, () => list[0] ?? (['x-fuzz', 'dup'] as [string, string])));
  return list;
}

const FIELDS = [
  'Name', 'ID', 'Port', 'Tags', 'Meta', 'Address', 'Check', 'Checks', 'TTL', 'HTTP', 'TCP', 'Interval', 'Timeout', 'Status', 'Notes', 'ServiceID', 'CheckID',
  'DeregisterCriticalServiceAfter', 'Weights', 'Passing', 'Warning', 'Kind', 'EnableTagOverride', 'Header', 'Method', 'Body', 'Node', 'Service', 'Datacenter',
  'NodeMeta', 'TaggedAddresses', 'SkipNodeUpdate', 'KV', 'Verb', 'Key', 'Value', 'Flags', 'Index', 'Session', 'Behavior', 'LockDelay', 'NodeChecks',
  'ServiceChecks', 'Output', 'ScriptArgs', '__proto__', 'constructor', 'toString', 'check_id', 'NAME',
];
const STRINGS = ['', 'web', 'web-1', 'consul', 'node-1', 'serfHealth', 'passing', 'critical', 'set', 'cas', 'lock', 'get-tree', 'delete-tree', 'check-index', 'release', 'delete', '10s', '0s', '-5s', '1h', '15s', '1000000h', 'soon', 'aGVsbG8=', 'not base64', 'http://127.0.0.1:1/health', 'ftp://x', 'http://[::1', '127.0.0.1:1', 'no-port', '\u0000', 'a\u0000b', '\ud800', '\udc00x', '💥', 'x'.repeat(600), 'y'.repeat(2100), '%00'];
const NUMBERS = [0, 1, -1, 80, 65_536, 1.5, 1e21, -1e21, Number.MAX_SAFE_INTEGER, 2 ** 64, 1e-7];

function json(random: Random, depth = 0): unknown {
  const kind = int(random, depth > 3 ? 5 : 7);
  if (kind === 0) return null;
  if (kind === 1) return random() < 0.5;
  if (kind === 2) return pick(random, NUMBERS);
  if (kind === 3 && random() < 0.3) return long(random);
  if (kind <= 4) return pick(random, STRINGS);
  if (kind === 5) return some(random, 4, () => json(random, depth + 1));
  return Object.fromEntries(some(random, 6, () => [pick(random, FIELDS), json(random, depth + 1)]));
}

/** Valid requests to each write endpoint: the fuzz mutates them, so it gets past the first field check. */
const TEMPLATES: readonly (readonly [string, unknown])[] = [
  ['PUT /v1/agent/service/register', { Name: 'fz', ID: 'fz-1', Port: 8080, Tags: ['a'], Meta: { k: 'v' }, Check: { TTL: '10s', DeregisterCriticalServiceAfter: '1m' }, Weights: { Passing: 1, Warning: 1 } }],
  ['PUT /v1/agent/service/register?replace-existing-checks', { Name: 'fz', ID: 'fz-2', Checks: [{ HTTP: 'http://127.0.0.1:1/', Interval: '10s', Timeout: '1s', Header: { X: ['y'] }, Method: 'GET' }, { TCP: '127.0.0.1:1', Interval: '10s' }] }],
  ['PUT /v1/agent/check/register', { Name: 'c', ID: 'c1', ServiceID: 'web-1', TTL: '10s', Status: 'passing', Notes: 'n' }],
  ['PUT /v1/agent/check/update/service:web-1', { Status: 'passing', Output: 'ok' }],
  ['PUT /v1/catalog/register', { Node: 'ext', Address: '10.0.0.1', NodeMeta: { a: 'b' }, TaggedAddresses: { lan: '10.0.0.1' }, Service: { Service: 'db', ID: 'db-1', Port: 1 }, Check: { Name: 'c', ServiceID: 'db-1', Status: 'passing' } }],
  ['PUT /v1/catalog/deregister', { Node: 'ext', ServiceID: 'db-1', CheckID: 'c' }],
  ['PUT /v1/session/create', { Name: 's', TTL: '15s', Behavior: 'release', LockDelay: '1s', NodeChecks: ['serfHealth'], ServiceChecks: [{ ID: 'service:web-1' }] }],
  ['PUT /v1/txn', [{ KV: { Verb: 'set', Key: 'fuzz/t', Value: 'aGk=', Flags: 1 } }, { KV: { Verb: 'get-tree', Key: 'fuzz/' } }, { KV: { Verb: 'delete-cas', Key: 'fuzz/x', Index: 3 } }]],
  ['PUT /v1/kv/fuzz/a?flags=3', 'value'],
  ['PUT /v1/event/fire/fuzz?service=web&tag=a', 'payload'],
  ['PUT /v1/agent/maintenance?enable=true&reason=fuzz', ''],
  ['PUT /v1/agent/maintenance?enable=false', ''],
  ['DELETE /v1/kv/fuzz?recurse', ''],
];

/** Replaces or removes one to three fields somewhere in `value` (a top-level field, or one inside it). */
function mutate(random: Random, value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return random() < 0.5 ? value : json(random);
  const copy = structuredClone(value) as Record<string, unknown>;
  for (let n = 1 + int(random, 3); n > 0; n--) {
    let target = copy;
    const keys = Object.keys(target);
    const nested = target[pick(random, keys)];
    if (random() < 0.5 && typeof nested === 'object' && nested !== null) target = nested as Record<string, unknown>;
    const key = random() < 0.8 ? pick(random, Object.keys(target)) : pick(random, FIELDS);
    if (random() < 0.2) Reflect.deleteProperty(target, key);
    else target[key] = json(random);
  }
  return copy;
}

function body(random: Random, template: unknown): string {
  if (random() < 0.1) return pick(random, ['', '{', '[', 'null', '"x"', '{"Name":', '[{"KV":', '\u0000\u0001', 'x'.repeat(10_000)]);
  if (random() < 0.2) return JSON.stringify(random() < 0.3 ? some(random, 5, () => ({ KV: json(random, 1) })) : json(random));
  return typeof template === 'string' && random() < 0.5 ? template : JSON.stringify(mutate(random, template));
}

function bytes(random: Random, length: number): Buffer {
  return Buffer.from(Array.from({ length }, () => int(random, 256)));
}

describe(`registry fuzz (seed ${SEED}): no crash, no 5xx, still serving`, () => {
  let fx: RegistryFixture;
  const fatal: RegistryError[] = [];
  const logger = memoryLogger();
  const failures: string[] = [];

  beforeAll(async () => {
    fx = await startFixture({ logger, onFatal: (error) => fatal.push(error) });
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', check: { ttl: '1h' } });
  });
  afterAll(async () => {
    await fx.stop();
  });

  const send = async (what: string, request: Buffer, halfClose = false): Promise<RawReply> => {
    const reply = await rawExchange(fx.registry.port, request, REPLY_TIMEOUT_MS, halfClose);
    if (reply.status >= 500) failures.push(`${what.slice(0, 200)} → ${reply.status} ${reply.body.slice(0, 200)}`);
    return reply;
  };

  it('survives random bytes, request lines, headers, paths and JSON bodies', async () => {
    const random = seededRandom(SEED);
    for (let i = 0; i < ROUNDS.bytes; i++) {
      const sent = bytes(random, 1 + int(random, 300));
      await send(`bytes ${sent.toString('hex').slice(0, 80)}`, sent, true);
    }
    for (let i = 0; i < ROUNDS.lines; i++) {
      const line = `${pick(random, ['GET', 'PUT', 'DELETE', 'POST', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE', 'CONNECT', 'G\u00c9T', ''])} ${path(random)} ${pick(random, ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 x', ''])}\r\nHost: 127.0.0.1\r\n\r\n`;
      await send(`line ${JSON.stringify(line)}`, Buffer.from(line, 'latin1'));
    }
    for (let i = 0; i < ROUNDS.headers; i++) {
      const sent = headers(random);
      const [method, target] = pick(random, [['GET', '/v1/catalog/services'], ['PUT', '/v1/kv/fuzz/h'], ['PUT', '/v1/txn'], ['GET', '/v1/kv/fuzz?recurse']] as const);
      await send(`headers ${target} ${JSON.stringify(sent).slice(0, 150)}`, http11(method, target, sent, method === 'PUT' ? '[]' : ''));
    }
    for (let i = 0; i < ROUNDS.paths; i++) {
      const target = path(random);
      const method = pick(random, ['GET', 'GET', 'PUT', 'PUT', 'DELETE', 'OPTIONS']);
      await send(`path ${method} ${JSON.stringify(target).slice(0, 150)}`, Buffer.concat([Buffer.from(`${method} `), Buffer.from(target, 'utf8'), Buffer.from(' HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n')]));
    }
    for (let i = 0; i < ROUNDS.bodies; i++) {
      const [endpoint, template] = pick(random, TEMPLATES);
      const [method, target] = endpoint.split(' ') as [string, string];
      const sent = body(random, template);
      await send(`body ${method} ${target} ${sent.slice(0, 150)}`, http11(method, target, [['content-type', 'application/json']], sent));
    }

    expect(failures).toEqual([]);
    expect(fatal).toEqual([]);
    expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
    // Still serving, reads and durable writes alike.
    expect(await fx.consul.kv.set('after-fuzz', 'ok')).toBe(true);
    expect(await fx.consul.kv.get('after-fuzz')).toMatchObject({ Value: 'ok' });
    expect(await fx.consul.catalog.service.list()).toHaveProperty('consul');
    expect((await rawExchange(fx.registry.port, http11('GET', '/v1/status/leader'))).status).toBe(200);

    // Whatever the fuzz got acknowledged comes back exactly after a restart.
    const before = await snapshot(fx);
    await fx.stop({ keepData: true });
    fx = await startFixture({ dataDir: fx.dataDir, logger, onFatal: (error) => fatal.push(error) });
    expect(await snapshot(fx)).toEqual(before);
  }, 120_000);
});

/** What the registry holds, as its API shows it (check statuses aside: checks run again after a restart). */
async function snapshot(fx: RegistryFixture): Promise<Record<string, unknown>> {
  const read = async (path: string): Promise<unknown> => {
    const response = await fx.http(path);
    return response.status === 200 ? response.json() : response.status;
  };
  const checks = (await read('/v1/health/state/any')) as { Node: string; CheckID: string; ServiceID: string; Name: string }[];
  return {
    kv: await read('/v1/kv/?recurse'),
    services: await read('/v1/catalog/services'),
    agentServices: await read('/v1/agent/services'),
    nodes: await read('/v1/catalog/nodes'),
    checks: checks.map((c) => [c.Node, c.CheckID, c.ServiceID, c.Name]),
    sessions: ((await read('/v1/session/list')) as { ID: string; Name: string }[]).map((x) => [x.ID, x.Name]),
  };
}
