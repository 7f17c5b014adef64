import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayError, writeSocketError } from '../gateway.errors.js';
import type { RouteCatalog } from '../routing/route-catalog.js';
import { parseRequestTarget } from '../routing/request-target.js';
import { stripPrefix } from '../routing/strip-prefix.js';
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

/**
 * Passes `Upgrade` requests (WebSocket) through to an HTTP instance of the matched route and then
 * splices the two sockets. Upgraded sockets are tracked so shutdown can close them.
 */
export class WebSocketForwarder {
  readonly sockets = new Set<Duplex>();

  constructor(
    private readonly catalog: RouteCatalog,
    private readonly logger: { warn(fields: object, message: string): void },
  ) {}

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
    const { route } = this.catalog.table.match(req.method ?? 'GET', hostnameOf(headers.host), target.path);
    if (route.spec.transport !== 'http') throw new GatewayError('MESHWAY_BAD_REQUEST', `Route ${route.key} is a NATS route; it cannot be upgraded.`);
    const instance = route.balancer.pick(route.upstream.httpInstances);
    const upstream = instance && route.upstream.target(instance);
    if (!instance || !upstream) throw new GatewayError('MESHWAY_NO_INSTANCE', `No healthy instance of ${route.spec.service}.`);
    const path = stripPrefix(target.path, route.spec.stripPrefix);
    headers.forward.push('host', upstream.authority, 'x-request-id', requestId, 'x-forwarded-proto', (req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http', 'x-forwarded-for', req.socket.remoteAddress ?? '');
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

  private splice(client: Duplex, upstream: Duplex, route: string): void {
    this.sockets.add(client);
    const close = (): void => {
      this.sockets.delete(client);
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', (error: Error) => {
      this.logger.warn({ route, err: error.message }, 'gateway: websocket upstream failed');
      close();
    });
    client.on('close', close);
    upstream.on('close', close);
    upstream.pipe(client);
    client.pipe(upstream);
  }
}
