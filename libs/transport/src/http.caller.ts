import type { ServiceInstance } from '@meshway/discovery';
import { Pool } from 'undici';
import { parseHttpTarget, serializePayload } from './call-target.js';
import type { Exchange, MeshResponse, TransportCaller } from './mesh-call.js';
import { upstreamFailure } from './upstream.failure.js';
import { TransportError, TransportErrorCode } from './transport.errors.js';

/** undici `Pool` settings for each instance. */
export interface HttpPoolOptions {
  /** Max sockets per instance (default 32). */
  readonly connections?: number;
  /** Idle keep-alive socket lifetime in ms (default 4,000, under Node's 5 s server keep-alive). */
  readonly keepAliveTimeoutMs?: number;
}

/** Calls HTTP instances with JSON over one keep-alive undici `Pool` per instance. */
export class HttpCaller implements TransportCaller {
  private readonly pools = new Map<string, { readonly pool: Pool; readonly instanceId: string }>();

  constructor(private readonly poolOptions: Required<HttpPoolOptions>) {}

  async send(exchange: Exchange): Promise<MeshResponse> {
    const { instance, payload, signal } = exchange;
    const { method, path } = parseHttpTarget(exchange.target, instance);
    const body = payload === undefined ? undefined : serializePayload(payload, JSON.stringify);
    const headers: Record<string, string> = { accept: 'application/json', ...exchange.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const res = await this.poolFor(instance).request({ method, path, headers, body, signal });
      const text = await res.body.text();
      return this.answer(instance, exchange.target, res.statusCode, flatten(res.headers), text);
    } catch (error) {
      throw upstreamFailure(error, signal, `${exchange.target} on ${instance.service} instance ${instance.id}`);
    }
  }

  async release(live: ReadonlySet<string>): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [origin, entry] of this.pools) {
      if (live.has(entry.instanceId)) continue;
      this.pools.delete(origin);
      closing.push(entry.pool.close());
    }
    await Promise.allSettled(closing);
  }

  close(): Promise<void> {
    return this.release(new Set());
  }

  /** Open pools (for tests and metrics). */
  get poolCount(): number {
    return this.pools.size;
  }

  private poolFor(instance: ServiceInstance): Pool {
    const origin = `http://${instance.address.includes(':') ? `[${instance.address}]` : instance.address}:${instance.port}`;
    let entry = this.pools.get(origin);
    if (!entry) {
      const pool = new Pool(origin, { connections: this.poolOptions.connections, keepAliveTimeout: this.poolOptions.keepAliveTimeoutMs });
      entry = { pool, instanceId: instance.id };
      this.pools.set(origin, entry);
    }
    return entry.pool;
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
