import { systemClock, type Clock } from '@meshway/clock';
import { errorMessage } from '@meshway/errors';
import { checkFiles, ReloadingTls, type TlsFiles, type TlsMaterial } from '@meshway/tls';
import { TransportError, TransportErrorCode } from '../transport.errors.js';
import type { TransportLogger } from '../transport.logger.js';
import type { UpstreamTls } from './pool.registry.js';

/** How to reach a service over TLS: the CA its certificates chain to and/or the client identity to present (mTLS). */
export interface UpstreamTlsFiles extends TlsFiles {
  /** Name the instances' certificates carry (SNI too). Default: the instance address. */
  readonly serverName?: string;
}

/** TLS identities towards upstream services: one for every service, and/or one per service (which wins). */
export interface UpstreamTlsOptions {
  readonly default?: UpstreamTlsFiles;
  readonly services?: Readonly<Record<string, UpstreamTlsFiles>>;
}

const DEFAULT_KEY = '*';

function optionName(service: string): string {
  return service === DEFAULT_KEY ? 'tls.default' : `tls.services.${service}`;
}

function entriesOf(options: UpstreamTlsOptions): [string, UpstreamTlsFiles][] {
  return [...(options.default ? [[DEFAULT_KEY, options.default] as [string, UpstreamTlsFiles]] : []), ...Object.entries(options.services ?? {})];
}

/** Checks the shape at construction (a certificate needs its key, something to load); throws MESHWAY_TRANSPORT_INVALID_OPTIONS naming the option. */
export function checkUpstreamTls(options: UpstreamTlsOptions): UpstreamTlsOptions {
  for (const [service, files] of entriesOf(options)) {
    try {
      checkFiles(files);
      if (files.serverName !== undefined && (typeof files.serverName !== 'string' || files.serverName === '')) throw new Error('serverName must be a non-empty host name');
    } catch (error) {
      throw invalidOption(service, error);
    }
  }
  return options;
}

function invalidOption(service: string, error: unknown): TransportError {
  return new TransportError(TransportErrorCode.InvalidOptions, `Invalid MeshClient option ${optionName(service)}: ${errorMessage(error)}`, undefined, { cause: error });
}

/**
 * The TLS identities a caller (MeshClient, the gateway) reaches services with, loaded once and followed when their
 * files change: each reload gets a new `version`, so new connections use new pools and in-flight calls finish on the old.
 */
export class UpstreamTlsSet {
  private readonly identities = new Map<string, UpstreamTls>();
  private readonly watchers: ReloadingTls[] = [];

  constructor(
    private readonly options: UpstreamTlsOptions,
    private readonly deps: {
      readonly logger: TransportLogger;
      readonly onChange: () => void;
      readonly clock?: Clock;
      /** The error `start()` throws for an unusable identity (`service` undefined: the default). Default: MESHWAY_TRANSPORT_INVALID_OPTIONS naming MeshClient's `tls` option. */
      readonly invalid?: (service: string | undefined, error: unknown) => Error;
    },
  ) {}

  /** True when no identity is configured (every call plain unless the instance says https). */
  get empty(): boolean {
    return entriesOf(this.options).length === 0;
  }

  /** Loads every identity; throws MESHWAY_TRANSPORT_INVALID_OPTIONS naming the option and the files. */
  async start(): Promise<void> {
    for (const [service, files] of entriesOf(this.options)) {
      let version = 0;
      const watcher = new ReloadingTls({
        files,
        clock: this.deps.clock ?? systemClock,
        onReload: (_context, material) => {
          this.identities.set(service, identity(material, files, `${service}:${String(++version)}`));
          this.deps.logger.debug({ service }, 'upstream TLS identity reloaded');
          this.deps.onChange();
        },
        onError: (error) => {
          this.deps.logger.warn({ service, err: errorMessage(error) }, 'new upstream TLS files rejected; the current ones stay');
        },
      });
      try {
        await watcher.start();
      } catch (error) {
        this.stop();
        throw this.deps.invalid ? this.deps.invalid(service === DEFAULT_KEY ? undefined : service, error) : invalidOption(service, error);
      }
      this.watchers.push(watcher);
      this.identities.set(service, identity(await watcher.material(), files, `${service}:0`));
    }
  }

  /** The identity to reach `service` with (its own, else the default), or undefined. */
  for(service: string): UpstreamTls | undefined {
    return this.identities.get(service) ?? this.identities.get(DEFAULT_KEY);
  }

  stop(): void {
    for (const watcher of this.watchers) watcher.stop();
    this.watchers.length = 0;
  }
}

function identity(material: TlsMaterial, files: UpstreamTlsFiles, version: string): UpstreamTls {
  return { ...material, ...(files.serverName === undefined ? {} : { servername: files.serverName }), version };
}
