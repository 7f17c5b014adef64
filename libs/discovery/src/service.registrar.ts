import type { TimerHandle } from '@meshway/clock';
import { errorMessage } from '@meshway/errors';
import { ConsulApi } from './consul.api.js';
import { durationMs } from './consul-duration.js';
import { DiscoveryError, DiscoveryErrorCode, statusOf } from './discovery.errors.js';
import { ExponentialBackoff } from './exponential.backoff.js';
import { invalidOption } from './options.validation.js';
import { resolveRegistrarOptions, type RegistrarOptions, type RegistrarStats, type RegistryAgent, type ResolvedRegistrarOptions } from './registrar.options.js';
import { checkIdOf, isTtlCheck, validateRegistration, type ServiceRegistration } from './service-registration.js';

/** Never heartbeat more often than this, whatever the TTL. */
const MIN_HEARTBEAT_MS = 100;

/**
 * Keeps one service instance registered in a Consul-compatible registry, framework-free:
 * `register()` (retrying while the registry is unreachable), a clock-driven TTL heartbeat every ttl/3
 * (or, with an HTTP check, a periodic "do you still have me?"), registering again when the registry
 * lost the service (restarted without data), and `drain()` / `deregister()` on shutdown.
 */
export class ServiceRegistrar {
  private readonly options: ResolvedRegistrarOptions;
  private readonly agent: RegistryAgent;
  private readonly backoff: ExponentialBackoff;
  private current: ServiceRegistration | undefined;
  private confirmed = false;
  private controller: AbortController | undefined;
  private timer: TimerHandle;
  private inFlight: Promise<void> | undefined;
  private pending: Promise<void> | undefined;
  private failing = false;
  private closed = false;
  private readonly counters = { registrations: 0, heartbeats: 0, failures: 0 };

  constructor(options: RegistrarOptions = {}) {
    this.options = resolveRegistrarOptions(options);
    this.agent = this.options.agent ?? new ConsulApi(this.options.connection);
    this.backoff = new ExponentialBackoff(this.options.backoff, this.options.random);
  }

  /** The registration kept alive now; undefined before `register()` and after `deregister()`. */
  get registration(): ServiceRegistration | undefined {
    return this.current;
  }

  stats(): RegistrarStats {
    return { ...this.counters };
  }

  /**
   * Registers `registration` and keeps it registered. Resolves once the registry has it (retrying with
   * backoff while unreachable); rejects with MESHWAY_REGISTRATION_FAILED when the registry refuses it.
   */
  async register(registration: ServiceRegistration): Promise<void> {
    this.assertOpen();
    validateRegistration(registration);
    if (this.current && this.current.id !== registration.id) {
      throw invalidOption('id', registration.id, `the id already registered ("${this.current.id}"); deregister() first`);
    }
    this.stopLoop();
    this.current = registration;
    const controller = new AbortController();
    this.controller = controller;
    const pending = this.registerWithRetry(registration, controller.signal);
    this.pending = pending;
    await pending;
    this.schedule(registration, controller.signal);
  }

  /** Takes the instance out of `?passing` answers (maintenance mode) so callers stop picking it; it stays registered. */
  async drain(reason = 'draining before shutdown'): Promise<void> {
    const registration = this.current;
    if (!registration || !this.confirmed) return;
    try {
      await this.agent.maintenance(registration.id, true, reason);
    } catch (error) {
      throw this.failed('Draining', registration, error);
    }
  }

  /** Stops the heartbeat and removes this instance (only its own id) from the registry. */
  async deregister(): Promise<void> {
    const registration = this.current;
    if (!registration) return;
    this.stopLoop();
    // A registration call already on the wire may still land: wait for it, then undo it.
    await Promise.allSettled([this.inFlight, this.pending]);
    this.current = undefined;
    if (!this.confirmed) return;
    this.confirmed = false;
    try {
      await this.agent.deregister(registration.id);
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw this.failed('Deregistering', registration, error);
    }
  }

  /** Stops the heartbeat and closes connections, leaving the registration to its check's fate. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopLoop();
    await this.inFlight;
    this.agent.close();
  }

  private async registerWithRetry(registration: ServiceRegistration, signal: AbortSignal): Promise<void> {
    for (;;) {
      try {
        await this.registerOnce(registration);
        this.backoff.reset();
        this.markUp(registration);
        return;
      } catch (error) {
        if (signal.aborted) throw this.stoppedBeforeRegistered(registration);
        if (!(error instanceof DiscoveryError) || error.code !== DiscoveryErrorCode.RegistryUnreachable) throw this.failed('Registering', registration, error);
        this.markDown(registration, error);
        const slept = await this.options.clock.sleep(this.backoff.next(), signal).then(
          () => true,
          () => false,
        );
        if (!slept) throw this.stoppedBeforeRegistered(registration);
      }
    }
  }

  private async registerOnce(registration: ServiceRegistration): Promise<void> {
    await this.agent.register(registration);
    this.counters.registrations += 1;
    this.confirmed = true;
    // A TTL check starts critical; pass it at once so the instance is healthy without waiting ttl/3.
    if (isTtlCheck(registration.check)) await this.heartbeat(registration);
    await this.replacePredecessors(registration);
  }

  /**
   * A process restarted on the same address and port (a crash, `npm start` healing it) registers under a new id,
   * while its predecessor's registration lives on — and with an HTTP check it even passes, answered by the
   * successor. Two ids for one endpoint double its share of traffic, so the newest registration replaces the
   * others of the same service at the same address:port on this agent. Best effort: a failure here is logged, the
   * registration itself stands.
   */
  private async replacePredecessors(registration: ServiceRegistration): Promise<void> {
    try {
      const stale = (await this.agent.agentServices()).filter(
        (entry) => entry.id !== registration.id && entry.service === registration.name && entry.address === registration.address && entry.port === registration.port,
      );
      for (const entry of stale) {
        await this.agent.deregister(entry.id);
        this.options.logger.info({ id: registration.id, replaced: entry.id }, 'Replaced the registration of a previous process at the same address');
      }
    } catch (error) {
      this.options.logger.warn({ id: registration.id, err: errorMessage(error) }, 'Could not remove registrations of a previous process at the same address');
    }
  }

  private schedule(registration: ServiceRegistration, signal: AbortSignal): void {
    if (signal.aborted) return;
    const every = isTtlCheck(registration.check) ? Math.max(MIN_HEARTBEAT_MS, Math.floor(durationMs(registration.check.ttl) / 3)) : this.options.verifyEveryMs;
    this.timer = this.options.clock.setTimeout(() => {
      this.inFlight = this.keepAlive(registration, signal).finally(() => {
        this.inFlight = undefined;
        this.schedule(registration, signal);
      });
    }, every);
  }

  /** One heartbeat (TTL) or check that the registry still has us (HTTP); registers again when it lost us. */
  private async keepAlive(registration: ServiceRegistration, signal: AbortSignal): Promise<void> {
    try {
      const lost = await this.isLost(registration);
      if (signal.aborted) return;
      if (lost) {
        this.options.logger.info({ id: registration.id }, 'The registry lost this service (restarted without its data?): registering it again');
        await this.registerOnce(registration);
      }
      this.markUp(registration);
    } catch (error) {
      if (!signal.aborted) this.markDown(registration, error);
    }
  }

  private async isLost(registration: ServiceRegistration): Promise<boolean> {
    if (!isTtlCheck(registration.check)) return !(await this.agent.hasService(registration.id));
    try {
      await this.heartbeat(registration);
      return false;
    } catch (error) {
      const status = statusOf(error);
      // Consul answers 404 for an unknown check (before 1.11: 500); on any other answer, ask whether we are still there.
      if (status === 404) return true;
      if (status === undefined || (await this.agent.hasService(registration.id))) throw error;
      return true;
    }
  }

  private async heartbeat(registration: ServiceRegistration): Promise<void> {
    await this.agent.passCheck(checkIdOf(registration));
    this.counters.heartbeats += 1;
  }

  private markDown(registration: ServiceRegistration, error: unknown): void {
    this.counters.failures += 1;
    if (this.failing) return;
    this.failing = true;
    this.options.logger.warn({ id: registration.id, registry: this.options.connection.baseUrl, err: errorMessage(error) }, 'Registry unreachable: will keep this service registered once it is back');
  }

  private markUp(registration: ServiceRegistration): void {
    if (!this.failing) return;
    this.failing = false;
    this.options.logger.info({ id: registration.id }, 'Registry reachable again: registration kept');
  }

  private stopLoop(): void {
    this.controller?.abort(new Error('registration stopped'));
    this.controller = undefined;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private failed(action: string, registration: ServiceRegistration, error: unknown): DiscoveryError {
    const status = statusOf(error);
    return new DiscoveryError(DiscoveryErrorCode.RegistrationFailed, `${action} service "${registration.id}" failed: ${errorMessage(error)}`, { cause: error, ...(status === undefined ? {} : { status }) });
  }

  private stoppedBeforeRegistered(registration: ServiceRegistration): DiscoveryError {
    return new DiscoveryError(DiscoveryErrorCode.Closed, `Registration of "${registration.id}" was stopped (deregister/close) before the registry accepted it`);
  }

  private assertOpen(): void {
    if (this.closed) throw new DiscoveryError(DiscoveryErrorCode.Closed, 'This ServiceRegistrar is closed; create a new one');
  }
}
