import type { Clock } from '@meshway/clock';
import { errorMessage } from '@meshway/errors';
import { ReloadingTls, type TlsFiles, type TlsMaterial } from '@meshway/tls';
import type { UpstreamTls } from '@meshway/transport';
import { GatewayConfigError } from '../gateway.errors.js';
import type { GatewayLogger } from '../gateway.logger.js';

/** How the gateway reaches a service over TLS: the CA its certificates chain to, the client identity to present (mTLS). */
export interface UpstreamTlsFiles extends TlsFiles {
  /** Name the instances' certificates carry (default: the instance address). */
  readonly serverName?: string;
}

/** Upstream TLS settings: one identity for every service, and/or one per service (which wins). */
export interface UpstreamTlsOptions {
  readonly default?: UpstreamTlsFiles;
  readonly services?: Readonly<Record<string, UpstreamTlsFiles>>;
}

/**
 * The gateway's TLS identities towards upstream services (mTLS inside the mesh), loaded at boot and followed when their
 * files change: a new version makes new pools, and in-flight requests finish on the old ones.
 */
export class UpstreamTlsSet {
  private readonly identities = new Map<string, UpstreamTls>();
  private readonly watchers: ReloadingTls[] = [];

  constructor(
    private readonly options: UpstreamTlsOptions,
    private readonly deps: { readonly clock: Clock; readonly logger: GatewayLogger; readonly onChange: () => void },
  ) {}

  /** Loads every identity; throws MESHWAY_GATEWAY_INVALID_CONFIG naming the service and the files. */
  async start(): Promise<void> {
    const entries = [...(this.options.default ? [['*', this.options.default] as const] : []), ...Object.entries(this.options.services ?? {})];
    for (const [service, files] of entries) {
      let version = 0;
      const watcher = new ReloadingTls({
        files,
        clock: this.deps.clock,
        onReload: (_context, material) => {
          this.identities.set(service, identity(material, files, `${service}:${++version}`));
          this.deps.logger.info({ service }, 'gateway: upstream TLS identity reloaded');
          this.deps.onChange();
        },
        onError: (error) => {
          this.deps.logger.error({ service, err: errorMessage(error) }, 'gateway: new upstream TLS files rejected; the current ones stay');
        },
      });
      try {
        await watcher.start();
      } catch (error) {
        this.stop();
        throw new GatewayConfigError(`upstreamTls ${service === '*' ? 'default' : `for ${service}`}: ${errorMessage(error)}`, { cause: error });
      }
      this.watchers.push(watcher);
      this.identities.set(service, identity(await watcher.material(), files, `${service}:0`));
    }
  }

  /** The identity to reach `service` with (its own, else the default), or undefined: plain HTTP unless the instance says https. */
  for(service: string): UpstreamTls | undefined {
    return this.identities.get(service) ?? this.identities.get('*');
  }

  stop(): void {
    for (const watcher of this.watchers) watcher.stop();
  }
}

function identity(material: TlsMaterial, files: UpstreamTlsFiles, version: string): UpstreamTls {
  return { ...material, ...(files.serverName === undefined ? {} : { servername: files.serverName }), version };
}
