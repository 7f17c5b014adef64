import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Clock } from '@meshway/clock';
import { GatewayError, writeSocketError, type GatewayErrorCode } from '../gateway.errors.js';
import type { InflightTracker } from './inflight.tracker.js';
import type { RequestHandler } from './request.handler.js';
import type { WebSocketForwarder } from './websocket.forwarder.js';

export interface ProxyServerDeps {
  readonly handler: RequestHandler;
  readonly websocket: WebSocketForwarder;
  readonly inflight: InflightTracker;
  readonly clock: Clock;
  readonly host: string;
  readonly port: number;
  /** Longest wait for in-flight requests on shutdown, ms. */
  readonly drainTimeoutMs: number;
  /** Largest request head Node accepts, bytes (beyond it: 431). */
  readonly maxHeaderSize: number;
}

const CLIENT_ERRORS: Record<string, GatewayErrorCode> = {
  HPE_HEADER_OVERFLOW: 'MESHWAY_HEADERS_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'MESHWAY_REQUEST_TIMEOUT',
  HPE_HEADERS_TIMEOUT: 'MESHWAY_REQUEST_TIMEOUT',
};

/** Node rejects a request before it reaches the handler (bad request line, huge headers): answer with our JSON error. */
function onClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
    socket.destroy();
    return;
  }
  const code = CLIENT_ERRORS[error.code ?? ''] ?? 'MESHWAY_BAD_REQUEST';
  const message = code === 'MESHWAY_BAD_REQUEST' ? `Malformed HTTP request (${error.code ?? 'parse error'}).` : error.message;
  writeSocketError(socket, new GatewayError(code, message), randomUUID());
}

/**
 * The public listener: a bare `node:http` server whose request handler is the gateway's hot path
 * (Fastify's per-request lifecycle was measurably slower here; see the README's "Performance").
 */
export class ProxyServer {
  private readonly server: Server;
  private draining = false;

  constructor(private readonly deps: ProxyServerDeps) {
    // requireHostHeader off: the handler answers a missing Host itself, in the gateway's JSON error shape.
    this.server = createServer({ maxHeaderSize: deps.maxHeaderSize, keepAliveTimeout: 5_000, requireHostHeader: false }, deps.handler.handle);
    this.server.on('upgrade', deps.websocket.handle);
    this.server.on('clientError', onClientError);
  }

  get isDraining(): boolean {
    return this.draining;
  }

  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.deps.port, this.deps.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  /**
   * Stops accepting connections, lets in-flight requests finish (their responses close their
   * connections) for up to `drainTimeoutMs`, then cuts whatever is left, WebSockets included.
   */
  async drain(): Promise<{ readonly drained: boolean; readonly cut: number }> {
    if (!this.server.listening) return { drained: true, cut: 0 };
    this.draining = true;
    const closed = new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
    this.server.closeIdleConnections();
    const timeout = new AbortController();
    const drained = await Promise.race([
      this.deps.inflight.idle().then(() => true),
      this.deps.clock.sleep(this.deps.drainTimeoutMs, timeout.signal).then(() => false, () => false),
    ]);
    timeout.abort();
    const cut = this.deps.inflight.size + this.deps.websocket.sockets.size;
    this.server.closeAllConnections();
    for (const socket of this.deps.websocket.sockets) socket.destroy();
    await closed;
    return { drained, cut };
  }
}
