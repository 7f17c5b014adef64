import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Subscription } from 'rxjs';
import { systemClock } from '@meshway/clock';
import { errorMessage } from '@meshway/errors';
import { DiscoveryError, DiscoveryErrorCode } from '../discovery.errors.js';
import type { DiscoverySource } from '../discovery.source.js';
import { buildRegistration, type ServiceRegistration } from '../service-registration.js';
import type { ServiceRegistrar } from '../service.registrar.js';
import { advertisedAddress, instanceId } from './advertised-address.js';
import { toRegistrationFields, type ResolvedDiscoveryModuleOptions } from './discovery-module.options.js';
import { DISCOVERY_SOURCE, RESOLVED_DISCOVERY_OPTIONS, SERVICE_REGISTRAR } from './discovery.tokens.js';

/** This app's instance as registered, for `/info` and logs. */
export interface RegisteredInstance {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly check: 'http' | 'ttl';
}

/**
 * Registers the app once its HTTP listener is bound (services listen on port 0, so the port is known
 * only then), and on shutdown drains, deregisters its own id, and closes discovery.
 */
@Injectable()
export class DiscoveryRegistration implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Discovery');
  private subscription: Subscription | undefined;
  private registered: RegisteredInstance | undefined;
  private registering: Promise<void> | undefined;

  constructor(
    @Inject(RESOLVED_DISCOVERY_OPTIONS) private readonly options: ResolvedDiscoveryModuleOptions,
    @Inject(SERVICE_REGISTRAR) private readonly registrar: ServiceRegistrar,
    @Inject(DISCOVERY_SOURCE) private readonly discovery: DiscoverySource,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** The registered instance; undefined before registration completes and after deregistration. */
  get current(): RegisteredInstance | undefined {
    return this.registered;
  }

  onApplicationBootstrap(): void {
    if (!this.options.register) return;
    if (this.adapterHost.listening) this.start();
    else
      this.subscription = this.adapterHost.listen$.subscribe(() => {
        this.start();
      });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.subscription?.unsubscribe();
    if (!this.registrar.registration) return;
    if (this.registered) await this.drain();
    try {
      await this.registrar.deregister();
      if (this.registered) this.logger.log(`Deregistered ${this.registered.id}`);
    } catch (error) {
      this.logger.warn(`Deregistration failed (the registry drops the instance once its check is critical): ${errorMessage(error)}`);
    }
    await this.registering;
    this.registered = undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.registrar.close();
    await this.discovery.close();
  }

  private start(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as { address(): AddressInfo | string | null };
    const bound = server.address();
    if (bound === null || typeof bound === 'string') {
      this.logger.error(new DiscoveryError(DiscoveryErrorCode.RegistrationFailed, `Cannot register: the HTTP listener has no TCP address (${String(bound)})`).message);
      return;
    }
    const registration = this.describe(bound);
    this.registering = this.registrar.register(registration).then(
      () => {
        this.registered = { id: registration.id, name: registration.name, address: registration.address, port: registration.port, check: this.options.check };
        this.logger.log(`Registered ${registration.id} at ${registration.address}:${registration.port}`);
      },
      (error: unknown) => {
        if (error instanceof DiscoveryError && error.code === DiscoveryErrorCode.Closed) return;
        this.logger.error(`Registration of ${registration.id} failed: ${errorMessage(error)}`);
      },
    );
  }

  private describe(bound: AddressInfo): ServiceRegistration {
    const service = this.options.service;
    // resolveModuleOptions guarantees a service whenever register is true.
    if (!service) throw new DiscoveryError(DiscoveryErrorCode.InvalidOptions, 'DiscoveryModule: register is true but no service was given');
    const address = advertisedAddress(this.options.address, bound.address);
    const id = this.options.instanceId?.() ?? instanceId(service.name, bound.port, randomBytes(2).toString('hex'));
    return buildRegistration({ ...toRegistrationFields(service), id, address, port: bound.port, check: this.options.check });
  }

  /** Maintenance mode, then a pause so watchers (gateways, mesh clients) stop picking this instance before it goes. */
  private async drain(): Promise<void> {
    try {
      await this.registrar.drain();
      await systemClock.sleep(this.options.drainMs);
    } catch (error) {
      this.logger.warn(`Drain failed, deregistering at once: ${errorMessage(error)}`);
    }
  }
}
