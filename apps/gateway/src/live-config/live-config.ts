import type { Clock } from '@meshway/clock';
import { errorMessage } from '@meshway/errors';
import type { GatewayLogger } from '../gateway.logger.js';
import type { RouteDefaults, RouteSpec } from '../routing/route.definition.js';
import { parseRoutesText } from '../routing/routes-file.loader.js';
import { CONFIG_SOURCES, type ConfigSourceName, type ConfigText } from './config.source.js';

/** One source's state, as `/routes` shows it. */
export interface ConfigSourceStatus {
  readonly source: ConfigSourceName;
  readonly origin: string;
  /** The version in force (null: this source never had a valid document). */
  readonly version: string | null;
  readonly routes: number;
  readonly appliedAt: string | null;
  /** The last rejected version and why; cleared by the next good one. */
  readonly rejected: { readonly version: string; readonly error: string; readonly at: string } | null;
}

interface Layer {
  readonly text: ConfigText;
  readonly specs: readonly RouteSpec[];
  readonly appliedAt: string;
}

/**
 * The gateway's configured routes, live: each source (KV, file, inline) offers new versions of its text; a version that
 * does not validate is rejected — logged, shown in `/routes`, and the source's last good version stays in force. The
 * merged routes go to `onRoutes` in precedence order: KV, then file, then inline (the first one wins on the same
 * method + host + path; announced routes come after all of them).
 */
export class LiveConfig {
  private readonly layers = new Map<ConfigSourceName, Layer>();
  private readonly rejected = new Map<ConfigSourceName, NonNullable<ConfigSourceStatus['rejected']>>();
  private readonly origins = new Map<ConfigSourceName, string>();

  constructor(
    private readonly deps: {
      readonly defaults: RouteDefaults;
      readonly clock: Clock;
      readonly logger: GatewayLogger;
      readonly onRoutes: (routes: readonly RouteSpec[]) => void;
    },
  ) {}

  /**
   * Validates and, when good, applies a source's text. Returns the error when rejected (the caller decides whether that
   * stops a boot); a source with no document (no KV entry) contributes no routes.
   */
  offer(text: ConfigText): Error | undefined {
    this.origins.set(text.source, text.origin);
    let specs: RouteSpec[];
    try {
      specs = this.parse(text);
    } catch (error) {
      this.reject(text, error);
      return error instanceof Error ? error : new Error(String(error));
    }
    this.rejected.delete(text.source);
    this.layers.set(text.source, { text, specs, appliedAt: new Date(this.deps.clock.now()).toISOString() });
    this.deps.logger.info({ source: text.source, origin: text.origin, version: text.version, routes: specs.length }, 'gateway: configuration applied');
    this.deps.onRoutes(this.routes());
    return undefined;
  }

  /** A source failed to be read at all (the file became unreadable): shown like a rejected version. */
  failed(source: ConfigSourceName, origin: string, error: unknown): void {
    this.reject({ source, origin, version: 'unreadable', text: undefined, format: 'yaml' }, error);
  }

  /** The configured routes in force, in precedence order. */
  routes(): RouteSpec[] {
    return CONFIG_SOURCES.flatMap((source) => this.layers.get(source)?.specs ?? []);
  }

  status(): ConfigSourceStatus[] {
    return CONFIG_SOURCES.filter((source) => this.origins.has(source)).map((source) => {
      const layer = this.layers.get(source);
      return {
        source,
        origin: this.origins.get(source) ?? '',
        version: layer?.text.version ?? null,
        routes: layer?.specs.length ?? 0,
        appliedAt: layer?.appliedAt ?? null,
        rejected: this.rejected.get(source) ?? null,
      };
    });
  }

  private parse(text: ConfigText): RouteSpec[] {
    const origin = text.source === 'kv' ? `KV ${text.origin}` : text.source === 'file' ? `routes file ${text.origin}` : 'inline routes';
    if (text.text === undefined) {
      if (text.source === 'kv') return [];
      throw new Error(`${origin} is gone; keeping the last good configuration`);
    }
    const specs = parseRoutesText(text.text, this.deps.defaults, origin, text.format);
    return text.source === 'file' ? specs : specs.map((spec) => ({ ...spec, source: text.source }));
  }

  private reject(text: ConfigText, error: unknown): void {
    const message = errorMessage(error);
    this.rejected.set(text.source, { version: text.version, error: message, at: new Date(this.deps.clock.now()).toISOString() });
    this.deps.logger.error({ source: text.source, origin: text.origin, version: text.version, err: message }, 'gateway: configuration rejected; the last good one stays in force');
  }
}
