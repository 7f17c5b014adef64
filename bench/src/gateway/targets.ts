import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnProcess, spawnTs, type ManagedProcess } from '@meshway/testing';

const HERE = 'bench/src/gateway';
export const NGINX = '/usr/sbin/nginx';
export const NATS_SUBJECT = 'bench.gateway.items';

/** A process the bench measures (or needs): where it listens and its pid for CPU accounting. */
export interface Target {
  readonly name: string;
  readonly url: string;
  readonly process: ManagedProcess | undefined;
  /** Headers every request to it carries (a bearer token). */
  readonly headers?: Readonly<Record<string, string>>;
}

async function portOf(proc: ManagedProcess, pattern: RegExp): Promise<number> {
  const line = await proc.waitForLine(pattern, 60_000);
  return Number(pattern.exec(line)?.[1]);
}

export async function startUpstream(): Promise<Target> {
  const proc = spawnTs(`${HERE}/upstream.server.ts`, { name: 'upstream' });
  const port = await portOf(proc, /listening (\d+)/);
  return { name: 'direct to the upstream', url: `http://127.0.0.1:${port}/items`, process: proc };
}

export async function startHttpProxy(upstream: Target): Promise<Target> {
  const proc = spawnTs(`${HERE}/http-proxy.server.ts`, { name: 'fastify-http-proxy', env: { UPSTREAM: new URL(upstream.url).origin } });
  const port = await portOf(proc, /listening (\d+)/);
  return { name: '@fastify/http-proxy', url: `http://127.0.0.1:${port}/items`, process: proc };
}

/** A minimal undici-dispatch proxy hosted by node:http or by a Fastify catch-all route (see floor.server.ts). */
export async function startFloor(upstream: Target, mode: 'node' | 'fastify' | 'nats', natsUrl = ''): Promise<Target> {
  const env = { UPSTREAM: new URL(upstream.url).origin, MODE: mode, NATS_URL: natsUrl, SUBJECT: NATS_SUBJECT };
  const proc = spawnTs(`${HERE}/floor.server.ts`, { name: `floor-${mode}`, env });
  const port = await portOf(proc, /listening (\d+)/);
  const names = { node: 'floor: node:http + dispatch', fastify: 'floor: Fastify route + dispatch', nats: 'floor: node:http → NATS bridge' };
  return { name: names[mode], url: `http://127.0.0.1:${port}/items`, process: proc };
}

/** A gateway variant in the lineup: its name, and where its code lives (another checkout, for before/after runs). */
export interface MeshwayVariant {
  readonly name: string;
  /** Repo root to run `apps/gateway/src/main.ts` from (default: this checkout). */
  readonly root?: string;
  /** Extra YAML appended to the routes file (top-level keys besides `routes`). */
  readonly extraYaml?: string;
  /** Extra fields for the HTTP route, YAML flow-mapping entries (e.g. `auth: jwt`). */
  readonly routeFields?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Headers every request to this variant carries. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The real gateway entry (`apps/gateway/src/main.ts`) with static discovery: routing, balancing and metrics all on. */
export async function startMeshway(upstream: Target, natsUrl: string, variant: MeshwayVariant = { name: 'Meshway gateway' }): Promise<{ http: Target; nats: Target }> {
  const dir = await mkdtemp(join(tmpdir(), 'meshway-bench-'));
  const routes = join(dir, 'routes.yaml');
  const httpRoute = `{ path: /*, service: items${variant.routeFields ? `, ${variant.routeFields}` : ''} }`;
  await writeFile(routes, `${variant.extraYaml ?? ''}\nroutes:\n  - { path: /nats/items, methods: [GET], service: items-nats, subject: ${NATS_SUBJECT} }\n  - ${httpRoute}\n`);
  const { host, port } = new URL(upstream.url);
  const proc = spawnTs('apps/gateway/src/main.ts', {
    name: variant.name,
    ...(variant.root ? { cwd: variant.root } : {}),
    env: {
      GATEWAY_PORT: '0', GATEWAY_ADMIN_PORT: '0', GATEWAY_DISCOVERY: 'static', GATEWAY_ROUTES_FILE: routes, LOG_LEVEL: 'info',
      GATEWAY_STATIC_UPSTREAMS: `items=${host};items-nats=127.0.0.1:${port}`, NATS_URL: natsUrl, MESHWAY_TRANSPORT: 'nats', ...variant.env,
    },
  });
  const gatewayPort = await portOf(proc, /listening on http:\/\/127\.0\.0\.1:(\d+)/);
  return {
    http: { name: variant.name, url: `http://127.0.0.1:${gatewayPort}/items`, process: proc, ...(variant.headers ? { headers: variant.headers } : {}) },
    nats: { name: `${variant.name} HTTP→NATS`, url: `http://127.0.0.1:${gatewayPort}/nats/items`, process: proc },
  };
}

/** nginx 1 worker with upstream keep-alive, as in PERFORMANCE.md; undefined when not installed. */
export async function startNginx(upstream: Target, port: number): Promise<Target | undefined> {
  if (!existsSync(NGINX)) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'meshway-bench-nginx-'));
  const conf = join(dir, 'nginx.conf');
  await writeFile(conf, [
    'worker_processes 1;', `pid ${dir}/nginx.pid;`, `error_log ${dir}/error.log warn;`, 'daemon off;', 'events { worker_connections 4096; }',
    'http {', '  access_log off;', `  client_body_temp_path ${dir};`, `  proxy_temp_path ${dir};`,
    `  upstream items { server ${new URL(upstream.url).host}; keepalive 128; }`,
    `  server { listen 127.0.0.1:${port}; location / { proxy_pass http://items; proxy_http_version 1.1; proxy_set_header Connection ""; } }`,
    '}',
  ].join('\n'));
  const proc = spawnProcess({ name: 'nginx', command: NGINX, args: ['-c', conf, '-p', dir] });
  await proc.waitForHttp(`http://127.0.0.1:${port}/items`, 30_000);
  return { name: 'nginx 1 worker, keepalive', url: `http://127.0.0.1:${port}/items`, process: proc };
}

export async function startNatsResponder(natsUrl: string): Promise<ManagedProcess> {
  const proc = spawnTs(`${HERE}/nats-responder.server.ts`, { name: 'nats-responder', env: { NATS_URL: natsUrl, SUBJECT: NATS_SUBJECT } });
  await proc.waitForLine(/listening/, 60_000);
  return proc;
}
