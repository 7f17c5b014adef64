import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, type Random } from '@meshway/clock';
import { freePort, spawnTs, type ManagedProcess } from '@meshway/testing';
import { http11, rawExchange, type RawReply } from './raw-http.client.js';

// A bounded fuzz of the gateway's front door: random bytes, random request lines, random headers and random paths,
// seeded so a failure reproduces (the seed is in the test name). The gateway must never crash and never answer 5xx
// for the client's input; it must still serve a normal request afterwards.

const SEED = 20261204;
const ROUNDS = { bytes: 150, lines: 150, headers: 150, paths: 200 };

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const int = (random: Random, max: number): number => Math.floor(random() * max);

function bytes(random: Random, length: number): Buffer {
  return Buffer.from(Array.from({ length }, () => int(random, 256)));
}

const PIECES = ['..', '.', '%2e%2e', '%2F', '%00', '%', '%zz', '\\', '//', 'api', 'users', '*', ':id', '?', '#', ';', '\u00e9', '%c0%af', '~', '{id}', ' ', '\t', 'a'.repeat(300)];

function path(random: Random): string {
  const segments = Array.from({ length: 1 + int(random, 6) }, () => pick(random, PIECES));
  return `/${pick(random, ['api/users/', 'api/orders/', '', 'docs/', 'openapi.json'])}${segments.join(pick(random, ['/', '']))}`;
}

const HEADER_NAMES = ['host', 'content-length', 'transfer-encoding', 'x-request-timeout', 'x-request-id', 'origin', 'access-control-request-method', 'accept-version', 'connection', 'expect', 'x-meshway-consumer', 'cookie', 'authorization', 'x-forwarded-for', 'upgrade', 'x-fuzz'];
const HEADER_VALUES = ['', '0', '-1', '99999999999999999999', 'chunked', 'chunked, identity', 'close', 'keep-alive, x-fuzz', '100-continue', 'websocket', 'Bearer ', 'Basic Og==', '\u00ff\u00fe', 'a'.repeat(2000), 'null', '1e3', ' 5 ', 'OPTIONS'];

function headers(random: Random): [string, string][] {
  return Array.from({ length: int(random, 8) }, () => [pick(random, HEADER_NAMES), pick(random, HEADER_VALUES)] as [string, string]);
}

describe(`gateway fuzz (seed ${SEED}): no crash, no 5xx for client input`, () => {
  let upstream: Server;
  let gateway: ManagedProcess;
  let url: string;
  let dir: string;
  let crashed = false;
  const fivexx: string[] = [];

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const upstreamPort = (upstream.address() as AddressInfo).port;
    dir = await mkdtemp(join(tmpdir(), 'meshway-fuzz-'));
    const routes = join(dir, 'routes.yaml');
    await writeFile(routes, 'routes:\n  - { path: /api/users/*, service: users, stripPrefix: /api, cors: { origins: ["https://app.example.com"] } }\n  - { path: /api/orders/:id, methods: [GET], service: orders, versionHeader: accept-version }\n');
    gateway = spawnTs('apps/gateway/src/main.ts', {
      name: 'gateway',
      env: { GATEWAY_PORT: String(port), GATEWAY_ADMIN_PORT: '0', GATEWAY_DISCOVERY: 'static', GATEWAY_STATIC_UPSTREAMS: `users=127.0.0.1:${upstreamPort};orders=127.0.0.1:${upstreamPort}`, MESHWAY_TRANSPORT: 'http', LOG_LEVEL: 'info', GATEWAY_ROUTES_FILE: routes },
    });
    void gateway.exited.then(() => (crashed = true));
    await gateway.waitForLine(/listening on/, 60_000);
  }, 70_000);

  afterAll(async () => {
    await gateway.kill();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * A 5xx is a finding, except the one answer a client can ask for: 504 when it set its own `x-request-timeout` (the
   * fuzz sends ` 5 `, i.e. 5 ms) and the upstream did not answer within it — its deadline, not the gateway's fault.
   */
  const note = (what: string, reply: RawReply, ownDeadline = false): void => {
    if (ownDeadline && reply.status === 504 && reply.body.includes('"MESHWAY_UPSTREAM_TIMEOUT"')) return;
    if (reply.status >= 500) fivexx.push(`${what} → ${reply.status} ${reply.body.slice(0, 200)}`);
  };

  it('survives random bytes, request lines, headers and paths', async () => {
    const random = seededRandom(SEED);
    for (let i = 0; i < ROUNDS.bytes; i++) {
      const sent = bytes(random, 1 + int(random, 400));
      note(`bytes ${sent.toString('hex').slice(0, 60)}`, await rawExchange(url, sent, { timeoutMs: 2_000 }));
    }
    for (let i = 0; i < ROUNDS.lines; i++) {
      const line = `${pick(random, ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'CONNECT', 'TRACE', 'G\u00c9T', ''])} ${path(random)} ${pick(random, ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 x', ''])}\r\nHost: 127.0.0.1\r\n\r\n`;
      note(`line ${JSON.stringify(line.slice(0, 80))}`, await rawExchange(url, Buffer.from(line, 'latin1'), { timeoutMs: 2_000 }));
    }
    for (let i = 0; i < ROUNDS.headers; i++) {
      const sent = headers(random);
      const ownDeadline = sent.some(([name]) => name === 'x-request-timeout');
      note(`headers ${JSON.stringify(sent).slice(0, 120)}`, await rawExchange(url, http11(pick(random, ['GET', 'POST', 'OPTIONS']), '/api/users/1', sent), { timeoutMs: 2_000 }), ownDeadline);
    }
    for (let i = 0; i < ROUNDS.paths; i++) {
      const target = path(random);
      note(`path ${JSON.stringify(target.slice(0, 100))}`, await rawExchange(url, Buffer.from(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, 'latin1'), { timeoutMs: 2_000 }));
    }
    expect(fivexx).toEqual([]);
    expect(crashed).toBe(false);
    const after = await rawExchange(url, http11('GET', '/api/users/1'));
    expect(after.status).toBe(200);
  }, 120_000);
});
