import type { ServiceInstance } from '@meshway/discovery';
import { parseHttpTarget, serializePayload } from './call-target.js';
import type { Exchange, MeshResponse, TransportCaller } from './mesh-call.js';
import type { UpstreamConnections } from './upstream/upstream.connections.js';
import { upstreamFailure } from './upstream/upstream.failure.js';
import { TransportError, TransportErrorCode } from './transport.errors.js';

/** undici `Pool` settings for each instance. */
export interface HttpPoolOptions {
  /** Max sockets per instance (default 32). */
  readonly connections?: number;
  /** Idle keep-alive socket lifetime in ms (default 4,000, under Node's 5 s server keep-alive). */
  readonly keepAliveTimeoutMs?: number;
  /** Time to open a connection before the instance counts as unavailable, ms (default 2,000). */
  readonly connectTimeoutMs?: number;
}

/** Calls HTTP instances with JSON over the shared keep-alive pools (one undici `Pool` per instance origin and TLS identity). */
export class HttpCaller implements TransportCaller {
  constructor(readonly connections: UpstreamConnections) {}

  async send(exchange: Exchange): Promise<MeshResponse> {
    const { instance, payload, signal } = exchange;
    const { method, path } = parseHttpTarget(exchange.target, instance);
    const body = payload === undefined ? undefined : serializePayload(payload, JSON.stringify);
    const headers: Record<string, string> = { accept: 'application/json', ...exchange.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const res = await this.connections.pool(instance).request({ method, path, headers, body, signal });
      const text = await res.body.text();
      return this.answer(instance, exchange.target, res.statusCode, flatten(res.headers), text);
    } catch (error) {
      throw upstreamFailure(error, signal, `${exchange.target} on ${instance.service} instance ${instance.id}`);
    }
  }

  async release(live: readonly ServiceInstance[]): Promise<void> {
    await this.connections.retain(live);
  }

  close(): Promise<void> {
    return this.connections.pools.close();
  }

  /** Open pools (for tests and metrics). */
  get poolCount(): number {
    return this.connections.pools.size;
  }

  private answer(instance: ServiceInstance, target: string, status: number, headers: Record<string, string>, text: string): MeshResponse {
    const body = parseBody(text, headers['content-type'], `${target} on ${instance.id}`);
    if (status >= 500) {
      throw new TransportError(TransportErrorCode.UpstreamError, `${target} on ${instance.service} instance ${instance.id} answered ${status}`, status, { body });
    }
    return { status, headers, body, instance };
  }
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

function parseBody(text: string, contentType: string | undefined, where: string): unknown {
  if (text === '') return undefined;
  if (!contentType || !/[/+]json\b/i.test(contentType)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new TransportError(TransportErrorCode.BadReply, `${where} sent invalid JSON (content-type ${contentType})`, undefined, { cause: error });
  }
}
