import { randomBytes } from 'node:crypto';
import type { ResolvedServiceOptions, ServiceTransport } from './service.options.js';

/** What `/info` shows. */
export interface ServiceInfo {
  readonly service: string;
  readonly instance: string;
  readonly version: string;
  /** The transport in use: a NATS service serving HTTP says `http`. */
  readonly transport: ServiceTransport;
}

/**
 * Who this running instance is. The instance id is `<name>-<pid>` until the HTTP listener is bound,
 * then `<name>-<host>-<port>-<4 random hex>` for good: unique across restarts on the same port,
 * readable in logs and in the registry.
 */
export class ServiceIdentity {
  private boundId: string | undefined;

  constructor(
    private readonly options: ResolvedServiceOptions,
    private readonly suffix: () => string = () => randomBytes(2).toString('hex'),
  ) {}

  get service(): string {
    return this.options.name;
  }

  get instance(): string {
    return this.boundId ?? `${this.options.name}-${process.pid}`;
  }

  /** True once {@link bind} has fixed the instance id. */
  get bound(): boolean {
    return this.boundId !== undefined;
  }

  /** Fixes the instance id from the listener's address; later calls are ignored. */
  bind(host: string, port: number): void {
    this.boundId ??= `${this.options.name}-${host}-${port}-${this.suffix()}`;
  }

  /** `/info`; `transport` is the one in use this run (default: the declared one). */
  info(transport: ServiceTransport = this.options.transport): ServiceInfo {
    const { name, version } = this.options;
    return { service: name, instance: this.instance, version, transport };
  }
}
