import type { Clock } from '@meshway/clock';
import type { KeyValueStore, KvEntry } from '@meshway/discovery';
import { GatewayConfigError } from '../gateway.errors.js';
import { contentVersion } from '@meshway/config';
import { FileConfigSource } from './file.source.js';
import { KvConfigSource } from './kv.source.js';
import type { LiveConfig } from './live-config.js';

export interface ConfigSourcesOptions {
  readonly routesFile: string | undefined;
  /** Routes given to `startGateway` inline (tests, embedders), in the routes file's `routes` format. */
  readonly inlineRoutes: readonly unknown[];
  readonly kv: KeyValueStore;
  readonly clock: Clock;
  readonly live: LiveConfig;
  /** Every change under the gateway's KV prefix (releases, …), for the parts that read more than routes. */
  readonly onKvEntries?: (entries: readonly KvEntry[]) => void;
}

/**
 * Feeds the live configuration from its sources: inline routes once, the routes file (read at boot — a bad file stops
 * the boot — then watched), and the registry's KV (watched; a bad version there is rejected and logged, never fatal).
 */
export class ConfigSources {
  private file: FileConfigSource | undefined;
  private kv: KvConfigSource | undefined;

  constructor(private readonly options: ConfigSourcesOptions) {}

  /** Applies inline routes and the routes file as they are now; throws MESHWAY_GATEWAY_INVALID_CONFIG naming the bad field. */
  async load(): Promise<void> {
    const { inlineRoutes, routesFile, clock, live } = this.options;
    if (inlineRoutes.length > 0) {
      const text = JSON.stringify({ routes: inlineRoutes });
      throwIfRejected(live.offer({ source: 'inline', origin: 'startGateway({ routes })', version: contentVersion(text), text, format: 'json' }));
    }
    if (routesFile === undefined) return;
    this.file = new FileConfigSource(routesFile, clock, (text) => live.offer(text), (error) => {
      live.failed('file', routesFile, error);
    });
    const first = await this.file.start().catch((error: unknown) => {
      throw new GatewayConfigError(`Cannot read routes file ${routesFile}: ${(error as Error).message}`, { cause: error });
    });
    if (first.text === undefined) {
      this.file.stop();
      throw new GatewayConfigError(`Cannot read routes file ${routesFile}: it does not exist`);
    }
    const rejected = live.offer(first);
    if (rejected) this.file.stop();
    throwIfRejected(rejected);
  }

  /** Starts watching the registry's KV (the file is watched from `load()` on). */
  start(): void {
    this.kv = new KvConfigSource(this.options.kv, (text) => this.options.live.offer(text), this.options.onKvEntries);
    this.kv.start();
  }

  stop(): void {
    this.file?.stop();
    this.kv?.close();
  }
}

function throwIfRejected(error: Error | undefined): void {
  if (error === undefined) return;
  throw error instanceof GatewayConfigError ? error : new GatewayConfigError(error.message, { cause: error });
}
