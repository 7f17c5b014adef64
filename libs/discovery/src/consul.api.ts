import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import Consul from 'consul';
import type { ResolvedConnection } from './consul-connection.options.js';
import { DiscoveryError, DiscoveryErrorCode } from './discovery.errors.js';
import { toInstances, toServiceNames } from './health-entry.mapper.js';
import type { ServiceInstance } from './service-instance.js';
import { toAgentRegistration, type ServiceRegistration } from './service-registration.js';

// The client honours `ctx` (papi: 'cancel' aborts, `includeResponse` adds the response) and `timeout`
// on every call (see its utils.options), but its typings omit them.
declare module 'consul/lib/consul.js' {
  interface CommonOptions {
    ctx?: EventEmitter;
    timeout?: number;
  }
}

/** One answer of a blocking query: the body plus `X-Consul-Index`. */
export interface Indexed<T> {
  readonly index: bigint;
  readonly value: T;
}

export interface BlockingOptions {
  /** `index` from the previous answer; 0 asks for the current state at once. */
  readonly index: bigint;
  readonly waitSeconds: number;
  readonly signal: AbortSignal;
}

/** papi (the consul client's HTTP layer) takes an EventEmitter as context: 'cancel' aborts, includeResponse returns headers. */
interface RequestContext extends EventEmitter {
  includeResponse: true;
}

/**
 * The slice of Consul's HTTP API Meshway uses, on the `consul` npm client; translates its errors
 * into {@link DiscoveryError}s and validates the bodies it reads. Nothing here is Meshway-specific on the wire.
 */
export class ConsulApi {
  private readonly consul: Consul;

  constructor(private readonly connection: ResolvedConnection) {
    const options = { baseUrl: connection.baseUrl, timeout: connection.timeoutMs, defaults: connection.token ? { token: connection.token } : {} };
    this.consul = new Consul(options);
  }

  /** `/v1/health/service/:name?passing`, blocking on `index` when given. */
  async healthService(service: string, blocking?: BlockingOptions): Promise<Indexed<ServiceInstance[]>> {
    const what = `health of "${service}"`;
    const [res, body] = await this.call(
      what,
      (ctx) => this.consul.health.service({ service, passing: true, ...this.dc(), ...this.blocking(ctx, blocking) }),
      blocking?.signal,
    );
    return { index: indexOf(res), value: toInstances(body) };
  }

  /** `/v1/catalog/services`, blocking on `index` when given. */
  async catalogServices(blocking?: BlockingOptions): Promise<Indexed<string[]>> {
    const [res, body] = await this.call(
      'the service list',
      (ctx) => this.consul.catalog.service.list({ ...this.dc(), ...this.blocking(ctx, blocking) }),
      blocking?.signal,
    );
    return { index: indexOf(res), value: toServiceNames(body) };
  }

  /** `PUT /v1/agent/service/register` (idempotent: registering an existing id replaces it). */
  async register(registration: ServiceRegistration): Promise<void> {
    await this.call(`registering "${registration.id}"`, (ctx) => this.consul.agent.service.register({ ...toAgentRegistration(registration), ctx }));
  }

  /** `PUT /v1/agent/service/deregister/:id`. */
  async deregister(id: string): Promise<void> {
    await this.call(`deregistering "${id}"`, (ctx) => this.consul.agent.service.deregister({ id, ctx }));
  }

  /** `PUT /v1/agent/check/pass/:id`: a TTL heartbeat. */
  async passCheck(checkId: string): Promise<void> {
    await this.call(`passing check "${checkId}"`, (ctx) => this.consul.agent.check.pass({ id: checkId, ctx }));
  }

  /** `PUT /v1/agent/service/maintenance/:id`: takes an instance out of `?passing` answers without deregistering it. */
  async maintenance(id: string, enable: boolean, reason: string): Promise<void> {
    await this.call(`maintenance of "${id}"`, (ctx) => this.consul.agent.service.maintenance({ id, enable, reason, ctx }));
  }

  /** `GET /v1/kv/:prefix?recurse`: every entry under `prefix` (none when the prefix is empty), blocking on `index` when given. */
  async kvList(prefix: string, blocking?: BlockingOptions): Promise<Indexed<KvEntry[]>> {
    const [res, body] = await this.call(
      `the keys under "${prefix}"`,
      (ctx) => this.consul.kv.get({ key: prefix, recurse: true, ...this.dc(), ...this.blocking(ctx, blocking) }),
      blocking?.signal,
    );
    return { index: indexOf(res), value: toKvEntries(body) };
  }

  /**
   * `PUT /v1/kv/:key` (with `?cas=` when given: 0 = only if absent). Resolves false when a `cas` did not match
   * (someone else wrote first), true when written.
   */
  async kvSet(key: string, value: string, cas?: bigint): Promise<boolean> {
    const [, body] = await this.call(`writing "${key}"`, (ctx) => this.consul.kv.set({ key, value, ...(cas === undefined ? {} : { cas: Number(cas) }), ...this.dc(), ...this.blocking(ctx, undefined) }));
    return body === true;
  }

  /** `DELETE /v1/kv/:key` (with `?cas=` when given). Resolves false when a `cas` did not match. */
  async kvDelete(key: string, cas?: bigint): Promise<boolean> {
    const [, body] = await this.call(`deleting "${key}"`, (ctx) => this.consul.kv.del({ key, ...(cas === undefined ? {} : { cas: Number(cas) }), ...this.dc(), ...this.blocking(ctx, undefined) }));
    return body !== false;
  }

  /** Whether the agent still has service `id` (`/v1/agent/services`). */
  async hasService(id: string): Promise<boolean> {
    return (await this.agentServices()).some((entry) => entry.id === id);
  }

  /** `/v1/agent/services`: the instances registered on this agent. */
  async agentServices(): Promise<AgentServiceEntry[]> {
    const [, body] = await this.call('the agent service list', (ctx) => this.consul.agent.service.list({ ctx }));
    return toAgentServices(body);
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.consul.destroy();
  }

  private dc(): { dc?: string } {
    return this.connection.datacenter ? { dc: this.connection.datacenter } : {};
  }

  private blocking(ctx: RequestContext, blocking: BlockingOptions | undefined): Record<string, unknown> {
    if (!blocking) return { ctx };
    const waitMs = blocking.waitSeconds * 1000;
    // Consul adds up to wait/16 of jitter to the wait; allow that plus a margin before calling it a timeout.
    return { ctx, index: blocking.index.toString(), wait: `${blocking.waitSeconds}s`, timeout: waitMs + Math.ceil(waitMs / 16) + 5_000 };
  }

  private async call(what: string, run: (ctx: RequestContext) => Promise<unknown>, signal?: AbortSignal): Promise<[IncomingMessage, unknown]> {
    signal?.throwIfAborted();
    const ctx = Object.assign(new EventEmitter(), { includeResponse: true as const });
    const cancel = (): void => void ctx.emit('cancel');
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      const result = (await run(ctx)) as [IncomingMessage, unknown] | undefined;
      if (!Array.isArray(result)) throw new Error('the consul client returned no response');
      return result;
    } catch (error) {
      throw toDiscoveryError(this.connection.baseUrl, what, error);
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }
}

/** One instance as `/v1/agent/services` lists it. */
export interface AgentServiceEntry {
  readonly id: string;
  readonly service: string;
  readonly address: string;
  readonly port: number;
}

function toAgentServices(body: unknown): AgentServiceEntry[] {
  if (typeof body !== 'object' || body === null) return [];
  return Object.entries(body).flatMap(([id, item]: [string, unknown]) => {
    const { Service: service, Address: address, Port: port } = (item ?? {}) as { Service?: unknown; Address?: unknown; Port?: unknown };
    if (typeof service !== 'string') return [];
    return [{ id, service, address: typeof address === 'string' ? address : '', port: typeof port === 'number' ? port : 0 }];
  });
}

/** One KV entry as Consul reports it (`Value` already decoded from base64 by the client). */
export interface KvEntry {
  readonly key: string;
  readonly value: string;
  /** `ModifyIndex`: pass it as `cas` to write only if nobody changed the key since. */
  readonly modifyIndex: bigint;
}

function toKvEntries(body: unknown): KvEntry[] {
  if (!Array.isArray(body)) return [];
  return body.flatMap((item: unknown) => {
    const { Key: key, Value: value, ModifyIndex: modifyIndex } = (item ?? {}) as { Key?: unknown; Value?: unknown; ModifyIndex?: unknown };
    if (typeof key !== 'string' || typeof modifyIndex !== 'number') return [];
    return [{ key, value: typeof value === 'string' ? value : '', modifyIndex: BigInt(modifyIndex) }];
  });
}

/** `X-Consul-Index` as a bigint; 0 when absent or unreadable (the caller's index rules handle that). */
function indexOf(res: IncomingMessage): bigint {
  const header = res.headers['x-consul-index'];
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined || !/^\d+$/.test(text)) return 0n;
  return BigInt(text);
}

interface ClientError {
  readonly message?: unknown;
  readonly code?: unknown;
  readonly isResponse?: unknown;
  readonly response?: { readonly statusCode?: unknown; readonly body?: unknown };
}

/** 5xx and transport failures mean "unreachable" (retry later); other HTTP answers mean "rejected". */
function toDiscoveryError(baseUrl: string, what: string, error: unknown): DiscoveryError {
  if (error instanceof DiscoveryError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as ClientError;
  const status = e.isResponse === true && typeof e.response?.statusCode === 'number' ? e.response.statusCode : undefined;
  const detail = typeof e.message === 'string' ? e.message : String(error);
  if (status !== undefined && status < 500) {
    const body = typeof e.response?.body === 'string' && e.response.body.length < 200 ? `: ${e.response.body.trim()}` : '';
    return new DiscoveryError(DiscoveryErrorCode.RegistryRejected, `The registry at ${baseUrl} refused ${what} with HTTP ${status}${body}`, { cause: error, status });
  }
  const why = status === undefined ? `${typeof e.code === 'string' ? `${e.code} ` : ''}${detail}` : `HTTP ${status} ${detail}`;
  return new DiscoveryError(DiscoveryErrorCode.RegistryUnreachable, `The registry at ${baseUrl} failed ${what}: ${why}`, { cause: error, ...(status === undefined ? {} : { status }) });
}
