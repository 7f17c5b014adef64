import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayError, writeSocketError } from '../gateway.errors.js';
import type { GatewayMetrics } from '../metrics/gateway.metrics.js';
import type { RouteCatalog } from '../routing/route-catalog.js';
import { parseRequestTarget } from '../routing/request-target.js';
import type { Route } from '../routing/route-table.js';
import { isServiceInternal, stripPrefix } from '../routing/strip-prefix.js';
import type { EdgeSecurity } from '../security/edge-security.js';
import { credentialsOf, dropHeader, forwardedIdentity, rateLimitedError, refusalError } from '../security/route-admission.js';
import { acceptableRequestId, hostnameOf, readIncomingHeaders } from './incoming-headers.js';
import { upstreamFailure } from '../forward/upstream-failure.js';

function responseHead(headers: Record<string, string | string[] | undefined>, requestId: string): string {
  let head = 'HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\n';
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'connection') continue;
    for (const one of Array.isArray(value) ? value : [value]) head += `${name}: ${one}\r\n`;
  }
  return `${head}x-request-id: ${requestId}\r\n\r\n`;
}

export interface WebSocketForwarderDeps {
  readonly catalog: RouteCatalog;
  readonly logger: { warn(fields: object, message: string): void };
  /** Admits upgrades as the chain admits requests (auth, rate limit), with the same client IP rules. */
  readonly security: EdgeSecurity;
  readonly metrics: GatewayMetrics;
}

/**
 * Passes `Upgrade` requests (WebSocket) through to an HTTP instance of the matched route and then
 * splices the two sockets. Upgraded sockets are tracked so shutdown can close them.
 */
export class WebSocketForwarder {
  readonly sockets = new Set<Duplex>();

  constructor(private readonly deps: WebSocketForwarderDeps) {}

  readonly handle = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const headers = readIncomingHeaders(req.rawHeaders);
    const requestId = acceptableRequestId(headers.requestId) ? headers.requestId : randomUUID();
    socket.on('error', () => socket.destroy());
    this.forward(req, socket, head, requestId, headers).catch((error: unknown) => {
      const failure = error instanceof GatewayError ? error : upstreamFailure(error as Error, 'upstream');
      writeSocketError(socket, failure, requestId);
    });
  };

  private async forward(req: IncomingMessage, client: Duplex, head: Buffer, requestId: string, headers: ReturnType<typeof readIncomingHeaders>): Promise<void> {
    const target = parseRequestTarget(req.url);
    const { route } = this.deps.catalog.table.match(req.method ?? 'GET', hostnameOf(headers.host), target.path);
    if (route.spec.transport !== 'http') throw new GatewayError('MESHWAY_BAD_REQUEST', `Route ${route.key} is a NATS route; it cannot be upgraded.`);
    const path = stripPrefix(target.path, route.spec.stripPrefix);
    if (isServiceInternal(path)) throw new GatewayError('MESHWAY_NO_ROUTE', `No route for ${req.method ?? 'GET'} ${target.path}.`);
    await this.admit(route, req, headers);
    const instance = route.balancer.pick(route.upstream.httpInstances);
    const upstream = instance && route.upstream.target(instance);
    if (!instance || !upstream) throw new GatewayError('MESHWAY_NO_INSTANCE', `No healthy instance of ${route.spec.service}.`);
    const via = req.socket.remoteAddress ?? '';
    headers.forward.push(
      'host', upstream.authority, 'x-request-id', requestId, 'x-forwarded-proto', (req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http',
      'x-forwarded-for', headers.forwardedFor === undefined ? via : `${headers.forwardedFor}, ${via}`,
    );
    const { headers: answer, socket } = await upstream.pool.upgrade({
      path: path + target.search,
      method: 'GET',
      headers: headers.forward,
      protocol: headers.upgrade ?? 'websocket',
    });
    if (client.destroyed) {
      socket.destroy();
      return;
    }
    client.write(responseHead(answer, requestId));
    if (head.length > 0) socket.write(head);
    this.splice(client, socket, route.key);
  }

  /** An upgrade passes the route's auth and rate limit as any request does (the same answers: 401/403, 429). */
  private async admit(route: Route, req: IncomingMessage, headers: ReturnType<typeof readIncomingHeaders>): Promise<void> {
    const admission = route.admission;
    if (admission === undefined) return;
    const recorder = this.deps.metrics.recorder(route.key, route.spec.service);
    let consumer: string | undefined;
    if (admission.authenticate !== undefined) {
      const result = await admission.authenticate(credentialsOf(req.rawHeaders, admission.apiKeyHeader));
      if (!result.ok) {
        recorder.authRefused(result.reason);
        throw refusalError(result);
      }
      if (result.identity !== undefined) {
        consumer = result.identity.consumer;
        if (admission.apiKeyHeader !== undefined) dropHeader(headers.forward, admission.apiKeyHeader);
        headers.forward.push(...forwardedIdentity(result.identity));
      }
    }
    if (admission.limiter === undefined) return;
    const decision = await admission.limiter.consume({ consumer, ip: this.deps.security.clientIp(req.socket.remoteAddress, headers.forwardedFor) });
    if (decision.degraded) recorder.rateLimitDegraded();
    if (decision.allowed) return;
    recorder.rateLimited();
    throw rateLimitedError(decision, route.key);
  }

  private splice(client: Duplex, upstream: Duplex, route: string): void {
    this.sockets.add(client);
    const close = (): void => {
      this.sockets.delete(client);
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', (error: Error) => {
      this.deps.logger.warn({ route, err: error.message }, 'gateway: websocket upstream failed');
      close();
    });
    client.on('close', close);
    upstream.on('close', close);
    upstream.pipe(client);
    client.pipe(upstream);
  }
}
