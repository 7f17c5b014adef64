import { randomUUID } from 'node:crypto';
import type { Balancer, RequestOutcome } from '@meshway/balancing';
import type { ServiceInstance } from '@meshway/discovery';
import { Deadline, ResilienceError, ResilienceErrorCode, type Attempt } from '@meshway/resilience';
import { CallPolicyTable } from './call.policies.js';
import { HttpCaller } from './http.caller.js';
import { PatternOverHttpCaller, servesPatternsOverHttp } from './rpc.caller.js';
import { PoolRegistry } from './upstream/pool.registry.js';
import { UpstreamConnections } from './upstream/upstream.connections.js';
import { UpstreamTlsSet } from './upstream/upstream-tls.js';
import { InstanceDirectory } from './instance.directory.js';
import type { CallOptions, MeshResponse, TransportCaller } from './mesh-call.js';
import { resolveOptions, type MeshClientOptions, type ResolvedMeshClientOptions } from './mesh-client.options.js';
import { MESH_HEADERS, timeoutHeaderValue } from './mesh-headers.js';
import { NatsCaller } from './nats.caller.js';
import { showValue } from './show-value.js';
import { TransportError, TransportErrorCode } from './transport.errors.js';

/**
 * Calls a service by name: discovery gives its instances, the balancer picks one, and the call goes
 * over HTTP (`'GET /users/42'`, JSON body) or NATS (Nest pattern `'orders.get'`), per the instance's
 * `transport`. Request id, trace context and the remaining budget travel as headers on both.
 */
export class MeshClient {
  private readonly options: ResolvedMeshClientOptions;
  private readonly directory: InstanceDirectory;
  private readonly balancers = new Map<string, Balancer>();
  private readonly policies: CallPolicyTable;
  private readonly http: HttpCaller;
  private readonly patterns: PatternOverHttpCaller;
  private readonly nats: NatsCaller;
  private readonly tls: UpstreamTlsSet;
  /** Loading the TLS identities (calls wait for it); undefined once loaded, or when there are none. */
  private loading: Promise<void> | undefined;
  private closed = false;

  constructor(options: MeshClientOptions) {
    this.options = resolveOptions(options);
    const { logger, clock } = this.options;
    // A reloaded identity makes new pools (its version is in their key): close the old ones once their calls finish.
    this.tls = new UpstreamTlsSet(this.options.tls, { logger, clock, onChange: () => void this.release(this.directory.live()) });
    const connections = new UpstreamConnections(new PoolRegistry(this.options.http), (service) => this.tls.for(service));
    this.http = new HttpCaller(connections);
    this.patterns = new PatternOverHttpCaller(connections);
    this.nats = new NatsCaller(this.options.nats);
    this.policies = new CallPolicyTable(this.options.resilience, this.options.services, this.options.clock, this.options.random);
    this.directory = new InstanceDirectory(this.options.discovery, (live) => void this.release(live), logger);
    if (!this.tls.empty) {
      this.loading = this.tls.start().then(() => {
        this.loading = undefined;
      });
      // Seen by ready() and by every call; not an unhandled rejection meanwhile.
      void this.loading.catch(() => undefined);
    }
  }

  /**
   * Resolves once the TLS identities (`tls` option) are loaded — at once without any; rejects with
   * MESHWAY_TRANSPORT_INVALID_OPTIONS naming the option and the file when they are unusable. Calls wait for it anyway:
   * await it at boot to fail there rather than on the first call.
   */
  async ready(): Promise<void> {
    await this.loading;
  }

  /**
   * Calls `service`. `target` is `'METHOD /path'` for HTTP instances and a message pattern for NATS ones;
   * `payload` is the JSON body or the message data. Resolves with answers below 500; throws a
   * TransportError (MESHWAY_NO_INSTANCE, _UPSTREAM_TIMEOUT, _UPSTREAM_UNAVAILABLE, _UPSTREAM_ERROR, _DEADLINE_EXCEEDED, …).
   */
  async call<T = unknown>(service: string, target: string, payload?: unknown, options: CallOptions = {}): Promise<MeshResponse<T>> {
    const { clock } = this.options;
    this.checkCall(service, target, options);
    if (this.loading) await this.loading;
    const instances = await this.directory.instances(service);
    const policy = this.policies.for(service, options.resilience);
    const where = `${target} on ${service}`;
    const deadline = options.deadline === undefined ? undefined : Deadline.after(options.deadline - clock.now(), clock);
    try {
      const response = await policy.execute(
        (attempt) => {
          const instance = attempt.choose(this.directory.current(service) ?? instances, (candidates) => this.balancerOf(service).pick(candidates, options.hashKey === undefined ? undefined : { hashKey: options.hashKey }));
          if (!instance) throw new TransportError(TransportErrorCode.NoInstance, `No healthy instance of service "${service}"`);
          return this.attempt({ service, target, payload, options, instance, attempt });
        },
        {
          method: methodOf(target),
          retryable: options.resilience?.retries === false ? false : options.resilience?.retries?.retryable,
          timeoutMs: options.timeoutMs ?? this.options.defaultTimeoutMs,
          ...(deadline ? { deadline } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        },
      );
      return response as MeshResponse<T>;
    } catch (error) {
      throw asTransportError(error, where, options.signal);
    }
  }

  /** One attempt on one instance: within the attempt's time (deadline or per-try limit), reported to the balancer. */
  private async attempt(call: AttemptCall): Promise<MeshResponse> {
    const { clock } = this.options;
    const { service, target, instance, attempt } = call;
    const budget = attempt.remainingMs;
    const done = this.balancerOf(service).begin(instance);
    const started = clock.monotonic();
    try {
      const exchange = { instance, target, payload: call.payload, headers: meshHeaders(call.options, budget), timeoutMs: budget, signal: attempt.signal };
      const response = await this.callerOf(instance, target).send(exchange);
      done({ ok: true, latencyMs: clock.monotonic() - started });
      return response;
    } catch (error) {
      const failure = attempt.signal.aborted ? cutShort(attempt.signal.reason, `${target} on ${service} instance ${instance.id}`, budget, call.options.signal) : error;
      done(outcomeOf(failure, clock.monotonic() - started));
      throw failure;
    }
  }

  /** Stops discovery watches, closes HTTP pools and the NATS connection the client opened. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.directory.close();
    await this.loading?.catch(() => undefined);
    this.tls.stop();
    await Promise.allSettled([this.http.close(), this.nats.close()]);
  }

  /** Validates the call's arguments (the deadline itself is checked when the call starts: spent → MESHWAY_DEADLINE_EXCEEDED). */
  private checkCall(service: string, target: string, options: CallOptions): void {
    if (this.closed) throw new TransportError(TransportErrorCode.InvalidCall, `MeshClient is closed; cannot call ${service}`);
    if (typeof service !== 'string' || service === '') throw invalidCall('service', service, 'a non-empty service name');
    if (typeof target !== 'string' || target === '') throw invalidCall('target', target, '"METHOD /path" for HTTP or a message pattern for NATS');
    const { timeoutMs, deadline, signal } = options;
    if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0 && Number.isFinite(timeoutMs))) {
      throw invalidCall('timeoutMs', timeoutMs, 'a positive finite number of milliseconds');
    }
    if (deadline !== undefined && !(typeof deadline === 'number' && Number.isFinite(deadline))) {
      throw invalidCall('deadline', deadline, 'an absolute time in ms on the client clock');
    }
    if (signal?.aborted) throw aborted(service, target);
    const now = this.options.clock.now();
    if (deadline !== undefined && deadline <= now) throw deadlineExceeded(service, target, now - deadline);
  }

  private balancerOf(service: string): Balancer {
    let balancer = this.balancers.get(service);
    if (!balancer) {
      balancer = this.options.balancerFor(service);
      this.balancers.set(service, balancer);
    }
    return balancer;
  }

  /** NATS for NATS instances; for an HTTP instance, HTTP — or the pattern endpoint of a NATS service in HTTP mode, when called by pattern. */
  private callerOf(instance: ServiceInstance, target: string): TransportCaller {
    if (instance.transport === 'nats') return this.nats;
    return !target.includes(' ') && servesPatternsOverHttp(instance) ? this.patterns : this.http;
  }

  private async release(live: readonly ServiceInstance[]): Promise<void> {
    await Promise.allSettled([this.http.release(live), this.nats.release(live)]);
  }
}

/** RFC 9110 token characters for names; values must not break the framing (CR, LF, NUL). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[^\r\n\0]*$/;

function meshHeaders(options: CallOptions, budget: number): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  headers[MESH_HEADERS.requestId] = options.requestId ?? headers[MESH_HEADERS.requestId] ?? randomUUID();
  if (options.traceparent !== undefined) headers[MESH_HEADERS.traceparent] = options.traceparent;
  headers[MESH_HEADERS.timeout] = timeoutHeaderValue(budget);
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name) || typeof value !== 'string' || !HEADER_VALUE.test(value)) {
      throw invalidCall(`header ${JSON.stringify(name)}`, value, 'a token name and a string value without CR, LF or NUL');
    }
  }
  return headers;
}

interface AttemptCall {
  readonly service: string;
  readonly target: string;
  readonly payload: unknown;
  readonly options: CallOptions;
  readonly instance: ServiceInstance;
  readonly attempt: Attempt;
}

/** `'GET /users/1'` → GET (idempotent, retried); a NATS pattern names no method: only what never reached a handler is retried, unless marked retryable. */
function methodOf(target: string): string | undefined {
  const space = target.indexOf(' ');
  return space === -1 ? undefined : target.slice(0, space).toUpperCase();
}

const RESILIENCE_CODES: Partial<Record<string, TransportErrorCode>> = {
  [ResilienceErrorCode.DeadlineExceeded]: TransportErrorCode.DeadlineExceeded,
  [ResilienceErrorCode.AttemptTimeout]: TransportErrorCode.UpstreamTimeout,
  [ResilienceErrorCode.BulkheadFull]: TransportErrorCode.BulkheadFull,
  [ResilienceErrorCode.CircuitOpen]: TransportErrorCode.CircuitOpen,
};

/** An attempt cut short by its time running out (the deadline or the per-try limit) did not answer in time. */
function cutShort(reason: unknown, where: string, budgetMs: number, callerSignal: AbortSignal | undefined): unknown {
  if (reason instanceof ResilienceError && (reason.code === ResilienceErrorCode.DeadlineExceeded || reason.code === ResilienceErrorCode.AttemptTimeout)) {
    return new TransportError(TransportErrorCode.UpstreamTimeout, `${where} did not answer within ${Math.ceil(budgetMs)} ms`, undefined, { cause: reason, failure: 'timeout' });
  }
  return asTransportError(reason, where, callerSignal);
}

/**
 * The transport's error for whatever ended a call: its own errors as they are; resilience's (deadline, per-try limit,
 * bulkhead, open breakers) under the transport's codes; the caller's abort as MESHWAY_CALL_ABORTED.
 */
function asTransportError(error: unknown, where: string, callerSignal: AbortSignal | undefined): unknown {
  if (error instanceof TransportError) return error;
  if (error instanceof ResilienceError) {
    const code = RESILIENCE_CODES[error.code];
    if (code !== undefined) {
      const failure = code === TransportErrorCode.UpstreamTimeout ? 'timeout' : undefined;
      return new TransportError(code, `${where}: ${error.message}`, undefined, { cause: error, ...(failure ? { failure } : {}) });
    }
  }
  if (callerSignal?.aborted) return new TransportError(TransportErrorCode.Aborted, `${where}: the caller aborted`, undefined, { cause: error });
  return error;
}

/** Only failures that say something about the instance count against it. */
function outcomeOf(error: unknown, latencyMs: number): RequestOutcome {
  if (!(error instanceof TransportError)) return { ok: false, latencyMs };
  if (error.code === TransportErrorCode.InvalidCall || error.code === TransportErrorCode.Aborted) return { ok: true, latencyMs };
  if (error.code === TransportErrorCode.UpstreamError && error.status !== undefined && error.status < 500) return { ok: true, latencyMs };
  return { ok: false, latencyMs };
}

function invalidCall(argument: string, given: unknown, allowed: string): TransportError {
  return new TransportError(TransportErrorCode.InvalidCall, `Invalid MeshClient.call ${argument}: got ${showValue(given)}; allowed: ${allowed}`);
}

function deadlineExceeded(service: string, target: string, lateMs?: number): TransportError {
  const late = lateMs === undefined ? '' : ` (${Math.ceil(lateMs)} ms ago)`;
  return new TransportError(TransportErrorCode.DeadlineExceeded, `Deadline for ${target} on ${service} had passed${late}; not called`);
}

function aborted(service: string, target: string): TransportError {
  return new TransportError(TransportErrorCode.Aborted, `${target} on ${service}: the caller aborted before the call`);
}
