import type { Clock } from '@meshway/clock';
import { errorMessage } from '@meshway/errors';
import type { GatewayLogger } from '../gateway.logger.js';
import type { Authenticator } from '@meshway/auth';
import type { AnnouncedSettings } from '../routing/route-catalog.js';
import { applySettings, type RouteDefaults, type RouteSpec } from '../routing/route.definition.js';
import { parseConfigText, type ConfigDocument } from '../routing/routes-file.loader.js';
import type { EdgeSecurity } from '../security/edge-security.js';
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
  readonly document: ConfigDocument;
  readonly appliedAt: string;
}

/** The configuration in force: the configured routes in precedence order, and what announced routes get. */
export interface AppliedConfig {
  readonly routes: readonly RouteSpec[];
  readonly announced: AnnouncedSettings;
}

/** How errors name a source: `routes file /etc/routes.yaml`, `KV meshway/gateway/routes`, `inline routes`. */
function originOf(text: Pick<ConfigText, 'source' | 'origin'>): string {
  return text.source === 'kv' ? `KV ${text.origin}` : text.source === 'file' ? `routes file ${text.origin}` : 'inline routes';
}

/**
 * The gateway's configuration, live: each source (KV, file, inline) offers new versions of its text; a version that
 * does not validate is rejected — logged, shown in `/routes`, and the source's last good version stays in force. The
 * merged routes go to `onConfig` in precedence order: KV, then file, then inline (the first one wins on the same
 * method + host + path; announced routes come after all of them). The document-wide blocks — `auth`, the `defaults`
 * announced routes get, and each `services.<name>` — come from the first source that has one. A version is checked as
 * a whole with the others in force: a route asking `auth: jwt` is rejected while no source's `auth` lists an issuer.
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
      readonly security: EdgeSecurity;
      readonly onConfig: (config: AppliedConfig) => void;
    },
  ) {}

  /** Validates a source's text as `offer` would, with the other sources in force, without applying it (the admin API's checks). */
  check(text: ConfigText): Error | undefined {
    try {
      const layers = this.withLayer(text.source, { text, document: this.parse(text), appliedAt: '' });
      const authenticator = this.authenticatorFor(layers);
      if (authenticator !== this.deps.security.current) authenticator.close();
      return undefined;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /**
   * Validates and, when good, applies a source's text. Returns the error when rejected (the caller decides whether that
   * stops a boot); a source with no document (no KV entry) contributes no routes.
   */
  offer(text: ConfigText): Error | undefined {
    this.origins.set(text.source, text.origin);
    let layers: Map<ConfigSourceName, Layer>;
    let authenticator: Authenticator;
    try {
      layers = this.withLayer(text.source, { text, document: this.parse(text), appliedAt: new Date(this.deps.clock.now()).toISOString() });
      authenticator = this.authenticatorFor(layers);
    } catch (error) {
      this.reject(text, error);
      return error instanceof Error ? error : new Error(String(error));
    }
    this.rejected.delete(text.source);
    this.layers.clear();
    for (const [source, layer] of layers) this.layers.set(source, layer);
    this.deps.security.use(authenticator);
    this.deps.logger.info({ source: text.source, origin: text.origin, version: text.version, routes: layers.get(text.source)?.document.routes.length ?? 0 }, 'gateway: configuration applied');
    this.deps.onConfig({ routes: this.routes(), announced: this.announcedSettings() });
    return undefined;
  }

  /** A source failed to be read at all (the file became unreadable): shown like a rejected version. */
  failed(source: ConfigSourceName, origin: string, error: unknown): void {
    this.reject({ source, origin, version: 'unreadable', text: undefined, format: 'yaml' }, error);
  }

  /** The configured routes in force, in precedence order. */
  routes(): RouteSpec[] {
    return CONFIG_SOURCES.flatMap((source) => this.layers.get(source)?.document.routes ?? []);
  }

  /** The layers in force with `source`'s replaced by `layer`. */
  private withLayer(source: ConfigSourceName, layer: Layer): Map<ConfigSourceName, Layer> {
    const layers = new Map(this.layers);
    layers.set(source, layer);
    return layers;
  }

  /** The first layer (in precedence order) for which `pick` gives something, and what it gave. */
  private static first<T>(layers: ReadonlyMap<ConfigSourceName, Layer>, pick: (document: ConfigDocument) => T | undefined): { readonly layer: Layer; readonly value: T } | undefined {
    for (const source of CONFIG_SOURCES) {
      const layer = layers.get(source);
      const value = layer && pick(layer.document);
      if (layer && value !== undefined) return { layer, value };
    }
    return undefined;
  }

  /** What the routes of `service` announced get: the gateway's defaults, then the `defaults` block, then `services.<service>`. */
  private announcedSettings(layers: ReadonlyMap<ConfigSourceName, Layer> = this.layers): (service: string) => RouteDefaults {
    const defaults = applySettings(this.deps.defaults, LiveConfig.first(layers, (d) => d.defaults)?.value);
    return (service) => applySettings(defaults, LiveConfig.first(layers, (d) => d.services[service])?.value);
  }

  /**
   * The authenticator of the `auth` block in force with `layers` (the one in force when that block did not change), once
   * every route, the announced defaults and each `services` block was bound to it: a mode it cannot serve, or scopes on
   * a route anyone may call, throws naming the source and the field.
   */
  private authenticatorFor(layers: ReadonlyMap<ConfigSourceName, Layer>): Authenticator {
    const auth = LiveConfig.first(layers, (d) => d.auth);
    const { security } = this.deps;
    const same = JSON.stringify(auth?.value) === JSON.stringify(this.authBlock());
    const authenticator = same ? security.current : security.authenticatorFor(auth?.value, auth ? `${originOf(auth.layer.text)}: auth` : 'auth');
    try {
      for (const layer of layers.values()) {
        const origin = originOf(layer.text);
        layer.document.routes.forEach((spec, i) => authenticator.forRoute({ mode: spec.auth, scopes: spec.scopes }, `${origin}: routes[${i}]`));
        const announced = this.announcedSettings(layers);
        for (const service of Object.keys(layer.document.services)) {
          const settings = announced(service);
          authenticator.forRoute({ mode: settings.auth, scopes: settings.scopes }, `${origin}: services.${service}`);
        }
        if (layer.document.defaults !== undefined) {
          const settings = applySettings(this.deps.defaults, layer.document.defaults);
          authenticator.forRoute({ mode: settings.auth, scopes: settings.scopes }, `${origin}: defaults`);
        }
      }
    } catch (error) {
      if (authenticator !== security.current) authenticator.close();
      throw error;
    }
    return authenticator;
  }

  /** The `auth` block in force now. */
  private authBlock(): ConfigDocument['auth'] {
    return LiveConfig.first(this.layers, (d) => d.auth)?.value;
  }

  status(): ConfigSourceStatus[] {
    return CONFIG_SOURCES.filter((source) => this.origins.has(source)).map((source) => {
      const layer = this.layers.get(source);
      return {
        source,
        origin: this.origins.get(source) ?? '',
        version: layer?.text.version ?? null,
        routes: layer?.document.routes.length ?? 0,
        appliedAt: layer?.appliedAt ?? null,
        rejected: this.rejected.get(source) ?? null,
      };
    });
  }

  private parse(text: ConfigText): ConfigDocument {
    const origin = originOf(text);
    if (text.text === undefined) {
      if (text.source === 'kv') return { routes: [], auth: undefined, defaults: undefined, services: {} };
      throw new Error(`${origin} is gone; keeping the last good configuration`);
    }
    const document = parseConfigText(text.text, this.deps.defaults, origin, text.format);
    return text.source === 'file' ? document : { ...document, routes: document.routes.map((spec) => ({ ...spec, source: text.source })) };
  }

  private reject(text: ConfigText, error: unknown): void {
    const message = errorMessage(error);
    this.rejected.set(text.source, { version: text.version, error: message, at: new Date(this.deps.clock.now()).toISOString() });
    this.deps.logger.error({ source: text.source, origin: text.origin, version: text.version, err: message }, 'gateway: configuration rejected; the last good one stays in force');
  }
}
