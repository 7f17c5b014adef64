import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Clock } from '@meshway/clock';
import { GATEWAY_RESPONSE_HEADERS, GatewayError, writeSocketError, type GatewayErrorCode } from '../gateway.errors.js';
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
  /** HTTPS listener: its port and its identity when it opens (reloaded later through `setSecureContext`). */
  readonly tls?: { readonly port: number; readonly context: () => SecureContextOptions; readonly redirectHttp: boolean };
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
  private tlsServer: ReturnType<typeof createTlsServer> | undefined;
  private draining = false;

  constructor(private readonly deps: ProxyServerDeps) {
    // requireHostHeader off: the handler answers a missing Host itself, in the gateway's JSON error shape.
    const tls = deps.tls;
    this.server = this.prepare(createServer(this.serverOptions, tls?.redirectHttp ? redirectTo(() => this.tlsPort ?? tls.port) : deps.handler.handle));
  }

  private get serverOptions(): { maxHeaderSize: number; keepAliveTimeout: number; requireHostHeader: boolean } {
    return { maxHeaderSize: this.deps.maxHeaderSize, keepAliveTimeout: 5_000, requireHostHeader: false };
  }

  private prepare<S extends Server>(server: S): S {
    server.on('upgrade', this.deps.websocket.handle);
    server.on('clientError', onClientError);
    return server;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** The port the HTTPS listener really has (the configured one may be 0). */
  get tlsPort(): number | undefined {
    const address = this.tlsServer?.address();
    return typeof address === 'object' && address !== null ? address.port : undefined;
  }

  /** New TLS connections use `context` (a renewed certificate); open ones keep theirs. */
  setSecureContext(context: SecureContextOptions): void {
    this.tlsServer?.setSecureContext(context);
  }

  /** Opens the HTTP port, and the HTTPS port when TLS is on; answers their addresses. */
  async listen(): Promise<{ readonly http: AddressInfo; readonly https: AddressInfo | undefined }> {
    const http = await listenOn(this.server, this.deps.port, this.deps.host);
    const tls = this.deps.tls;
    if (!tls) return { http, https: undefined };
    this.tlsServer = this.prepare(createTlsServer({ ...this.serverOptions, ...tls.context() }, this.deps.handler.handle));
    return { http, https: await listenOn(this.tlsServer, tls.port, this.deps.host) };
  }

  private get servers(): Server[] {
    return this.tlsServer ? [this.server, this.tlsServer] : [this.server];
  }

  /**
   * Stops accepting connections, lets in-flight requests finish (their responses close their
   * connections) for up to `drainTimeoutMs`, then cuts whatever is left, WebSockets included.
   */
  async drain(): Promise<{ readonly drained: boolean; readonly cut: number }> {
    const listening = this.servers.filter((server) => server.listening);
    if (listening.length === 0) return { drained: true, cut: 0 };
    this.draining = true;
    const closed = Promise.all(listening.map((server) => new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    })));
    for (const server of listening) server.closeIdleConnections();
    const timeout = new AbortController();
    const drained = await Promise.race([
      this.deps.inflight.idle().then(() => true),
      this.deps.clock.sleep(this.deps.drainTimeoutMs, timeout.signal).then(() => false, () => false),
    ]);
    timeout.abort();
    const cut = this.deps.inflight.size + this.deps.websocket.sockets.size;
    for (const server of listening) server.closeAllConnections();
    for (const socket of this.deps.websocket.sockets) socket.destroy();
    await closed;
    return { drained, cut };
  }
}

function listenOn(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** With `GATEWAY_TLS_REDIRECT`, the plain port only sends clients to HTTPS (308 keeps the method and body). */
function redirectTo(portOf: () => number): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const tlsPort = portOf();
    const host = (req.headers.host ?? 'localhost').replace(/:\d+$/, '');
    const safeHost = /^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:.]+\]$/.test(host) ? host : 'localhost';
    const target = req.url?.startsWith('/') ? req.url : '/';
    res.writeHead(308, { ...GATEWAY_RESPONSE_HEADERS, location: `https://${safeHost}${tlsPort === 443 ? '' : `:${tlsPort}`}${target}`, 'content-length': '0', connection: 'close' });
    res.end();
  };
}
