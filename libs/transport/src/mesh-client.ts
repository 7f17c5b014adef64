import { randomUUID } from 'node:crypto';
import type { Balancer, RequestOutcome } from '@meshway/balancing';
import type { ServiceInstance } from '@meshway/discovery';
import { currentDeadline, runAttempts, type AttemptFailureInfo } from '@meshway/resilience';
import { CallPolicyTable } from './call.policies.js';
import { HttpCaller } from './http.caller.js';
import { InstanceDirectory } from './instance.directory.js';
import type { CallOptions, MeshResponse, TransportCaller } from './mesh-call.js';
import { resolveOptions, type MeshClientOptions, type ResolvedMeshClientOptions } from './mesh-client.options.js';
import { MESH_HEADERS, timeoutHeaderValue } from './mesh-headers.js';
import { NatsCaller } from './nats.caller.js';
import { showValue } from './show-value.js';
import { TransportError, TransportErrorCode } from './transport.errors.js';
import { classifyUpstreamError } from './upstream/upstream.failure.js';

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
  private readonly nats: NatsCaller;
  private closed = false;

  constructor(options: MeshClientOptions) {
    this.options = resolveOptions(options);
    this.http = new HttpCaller(this.options.http);
    this.nats = new NatsCaller(this.options.nats);
    this.policies = new CallPolicyTable(this.options.resilience, this.options.services, this.options.clock, this.options.random);
    this.directory = new InstanceDirectory(this.options.discovery, (live) => void this.release(live), this.options.logger);
  }

  /**
   * Calls `service`. `target` is `'METHOD /path'` for HTTP instances and a message pattern for NATS ones;
   * `payload` is the JSON body or the message data. Resolves with answers below 500; throws a
   * TransportError (MESHWAY_NO_INSTANCE, _UPSTREAM_TIMEOUT, _UPSTREAM_UNAVAILABLE, _UPSTREAM_ERROR, _DEADLINE_EXCEEDED, …).
   */
  async call<T = unknown>(service: string, target: string, payload?: unknown, options: CallOptions = {}): Promise<MeshResponse<T>> {
    const { clock } = this.options;
    const deadlineAt = this.deadlineOf(service, target, options);
    const instances = await this.directory.instances(service);
    if (deadlineAt - clock.now() <= 0) throw deadlineExceeded(service, target);
    const { policies, retry, guards } = this.policies.for(service, options.resilience);
    const { signal, dispose } = this.budgetSignal(deadlineAt - clock.now(), `${target} on ${service}`, options.signal);
    const bulkhead = guards.bulkhead;
    try {
      if (bulkhead) await bulkhead.acquire(signal).catch((error: unknown) => Promise.reject(signal.aborted ? (signal.reason as Error) : bulkheadFull(service, error)));
      try {
        const response = await runAttempts({
          guards, retry, clock, signal,
          method: methodOf(target),
          instances: () => this.directory.current(service) ?? instances,
          pick: (candidates) => this.pickFrom(service, candidates, options),
          attempt: (instance) => this.attempt({ service, target, payload, options, instance, deadlineAt, signal, perTryTimeoutMs: policies.retry?.perTryTimeoutMs }),
          classify: retryableFailure,
          remainingMs: () => deadlineAt - clock.now(),
        });
        return response as MeshResponse<T>;
      } finally {
        bulkhead?.release();
      }
    } finally {
      dispose();
    }
  }

  /** One attempt on one instance: within what is left of the deadline (and the per-try timeout), reported to the balancer. */
  private async attempt(call: AttemptCall): Promise<MeshResponse> {
    const { clock } = this.options;
    const { service, target, instance } = call;
    const remaining = call.deadlineAt - clock.now();
    if (remaining <= 0) throw deadlineExceeded(service, target);
    const budget = call.perTryTimeoutMs === undefined ? remaining : Math.min(remaining, call.perTryTimeoutMs);
    const perTry = budget < remaining ? this.perTrySignal(budget, `${target} on ${service} instance ${instance.id}`, call.signal) : undefined;
    const signal = perTry?.signal ?? call.signal;
    const done = this.balancerOf(service).begin(instance);
    const started = clock.monotonic();
    try {
      const exchange = { instance, target, payload: call.payload, headers: meshHeaders(call.options, budget), timeoutMs: budget, signal };
      const response = await this.callerOf(instance).send(exchange);
      done({ ok: true, latencyMs: clock.monotonic() - started });
      return response;
    } catch (error) {
      done(outcomeOf(error, clock.monotonic() - started));
      throw error;
    } finally {
      perTry?.dispose();
    }
  }

  /** Stops discovery watches, closes HTTP pools and the NATS connection the client opened. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.directory.close();
    await Promise.allSettled([this.http.close(), this.nats.close()]);
  }

  /** Validates the call and returns its absolute deadline on the client's clock. */
  private deadlineOf(service: string, target: string, options: CallOptions): number {
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
    // A call made while serving a request inherits what is left of that request's deadline.
    const until = deadline ?? currentDeadline()?.at;
    if (until !== undefined && until <= now) throw deadlineExceeded(service, target, now - until);
    const budget = timeoutMs ?? this.options.defaultTimeoutMs;
    return until === undefined ? now + budget : Math.min(now + budget, until);
  }

  private pickFrom(service: string, candidates: readonly ServiceInstance[], options: CallOptions): ServiceInstance {
    const context = options.hashKey === undefined ? undefined : { hashKey: options.hashKey };
    const instance = this.balancerOf(service).pick(candidates, context);
    if (!instance) throw new TransportError(TransportErrorCode.NoInstance, `No healthy instance of service "${service}"`);
    return instance;
  }

  private balancerOf(service: string): Balancer {
    let balancer = this.balancers.get(service);
    if (!balancer) {
      balancer = this.options.balancerFor(service);
      this.balancers.set(service, balancer);
    }
    return balancer;
  }

  private callerOf(instance: ServiceInstance): TransportCaller {
    return instance.transport === 'nats' ? this.nats : this.http;
  }

  /** A signal that fires with MESHWAY_UPSTREAM_TIMEOUT when the budget runs out, or MESHWAY_CALL_ABORTED when the caller aborts. */
  private budgetSignal(budget: number, where: string, callerSignal?: AbortSignal): { signal: AbortSignal; dispose: () => void } {
    const { clock } = this.options;
    const controller = new AbortController();
    const timer = clock.setTimeout(() => {
      controller.abort(new TransportError(TransportErrorCode.UpstreamTimeout, `${where} did not answer within ${Math.ceil(budget)} ms`));
    }, budget);
    const onAbort = (): void => {
      controller.abort(new TransportError(TransportErrorCode.Aborted, `${where}: the caller aborted`, undefined, { cause: callerSignal?.reason }));
    };
    // The caller may have aborted while discovery answered.
    if (callerSignal?.aborted) onAbort();
    else callerSignal?.addEventListener('abort', onAbort, { once: true });
    return {
      signal: controller.signal,
      dispose: () => {
        clock.clearTimeout(timer);
        callerSignal?.removeEventListener('abort', onAbort);
      },
    };
  }

  /** The call's signal, plus this attempt's own limit (the per-try timeout): either one aborts it, with its own reason. */
  private perTrySignal(ms: number, where: string, parent: AbortSignal): { signal: AbortSignal; dispose: () => void } {
    const { clock } = this.options;
    const controller = new AbortController();
    const timer = clock.setTimeout(() => {
      controller.abort(new TransportError(TransportErrorCode.UpstreamTimeout, `${where} did not answer within the per-try timeout of ${Math.ceil(ms)} ms`, undefined, { failure: 'timeout' }));
    }, ms);
    const onAbort = (): void => {
      controller.abort(parent.reason);
    };
    if (parent.aborted) onAbort();
    else parent.addEventListener('abort', onAbort, { once: true });
    return {
      signal: controller.signal,
      dispose: () => {
        clock.clearTimeout(timer);
        parent.removeEventListener('abort', onAbort);
      },
    };
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
  readonly deadlineAt: number;
  readonly signal: AbortSignal;
  readonly perTryTimeoutMs: number | undefined;
}

/** `'GET /users/1'` → GET (idempotent, retried); a NATS pattern is not a method: only connection failures retry it, unless marked retryable. */
function methodOf(target: string): string {
  const space = target.indexOf(' ');
  return space === -1 ? 'NATS' : target.slice(0, space).toUpperCase();
}

/** What the retry loop may try again: failures of the instance; not answers (4xx), caller mistakes, aborts or a spent deadline. */
function retryableFailure(error: unknown): AttemptFailureInfo | undefined {
  if (!(error instanceof TransportError)) return { kind: 'reset' };
  switch (error.code) {
    case TransportErrorCode.InvalidCall:
    case TransportErrorCode.Aborted:
    case TransportErrorCode.DeadlineExceeded:
    case TransportErrorCode.NoInstance:
      return undefined;
    case TransportErrorCode.UpstreamError:
      if (error.status !== undefined && error.status < 500) return undefined;
      return { kind: 'status', status: error.status ?? 500 };
    default:
      return { kind: classifyUpstreamError(error, '').kind };
  }
}

function bulkheadFull(service: string, cause: unknown): TransportError {
  return new TransportError(TransportErrorCode.BulkheadFull, `${service} is at its limit of calls in flight from this client`, undefined, { cause });
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
