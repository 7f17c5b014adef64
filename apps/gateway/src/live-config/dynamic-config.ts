import type { KeyValueStore } from '@meshway/discovery';
import { parse as parseYaml } from 'yaml';
import { GatewayConfigError, GatewayError } from '../gateway.errors.js';
import type { RouteDefaults } from '../routing/route.definition.js';
import { parseRoutesDocument } from '../routing/routes-file.loader.js';
import { diffRoutes, identityOf, type ConfigDiff, type RouteEntry } from './config.diff.js';
import type { ConfigText } from './config.source.js';
import { KV_ROUTES_KEY } from './kv.source.js';

/** The routes document kept in KV, as written (so an export round-trips exactly). */
export interface RoutesDocument {
  readonly auth?: Readonly<Record<string, unknown>>;
  readonly defaults?: Readonly<Record<string, unknown>>;
  readonly services?: Readonly<Record<string, unknown>>;
  readonly routes: readonly RouteEntry[];
}

/** Read-modify-write loses to a concurrent writer at most this often before giving up with 409. */
const CAS_ATTEMPTS = 5;

function isDocument(value: unknown): value is RoutesDocument {
  return typeof value === 'object' && value !== null && Array.isArray((value as { routes?: unknown }).routes);
}

/**
 * The dynamic layer of the gateway's configuration: the routes document in the registry KV, which every replica
 * watches. The admin API changes it only through here: validated first (errors name the field), compared with what is
 * there (a diff, also for dry runs), written with `cas` so two admins cannot silently overwrite each other.
 */
export class DynamicConfig {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly defaults: RouteDefaults,
    /** Checks a document with the other sources in force (auth it names, routes it protects); undefined when good. */
    private readonly check: (text: ConfigText) => Error | undefined = () => undefined,
  ) {}

  /** The document in KV now and its modify index (0: none yet). */
  async read(): Promise<{ readonly document: RoutesDocument; readonly version: bigint }> {
    const [entry] = (await this.kv.list(KV_ROUTES_KEY)).filter((e) => e.key === KV_ROUTES_KEY);
    if (!entry) return { document: { routes: [] }, version: 0n };
    const parsed: unknown = parseYaml(entry.value);
    return { document: isDocument(parsed) ? parsed : { routes: [] }, version: entry.modifyIndex };
  }

  /** Replaces the whole document (declarative import). `dryRun` validates and diffs only. */
  async replace(document: unknown, options: { readonly dryRun: boolean }): Promise<ConfigDiff> {
    const next = this.validate(document, 'configuration');
    const { document: current, version } = await this.read();
    const diff = diffRoutes(current.routes, next.routes);
    if (!options.dryRun) await this.write(next, version);
    return diff;
  }

  /** Adds a named route (`create`: 409 when the name exists) or replaces the route of that name (404 when absent). */
  async putRoute(route: unknown, mode: 'create' | 'replace', name?: string): Promise<ConfigDiff> {
    return this.modify((routes) => {
      const entry = (typeof route === 'object' && route !== null ? route : {}) as RouteEntry;
      const id = name ?? (typeof entry.name === 'string' ? entry.name : undefined);
      if (id === undefined) throw new GatewayError('MESHWAY_BAD_REQUEST', 'A route managed through the admin API needs a "name".');
      const named = { ...entry, name: id };
      const at = routes.findIndex((r) => identityOf(r) === id);
      if (mode === 'create' && at !== -1) throw new GatewayError('MESHWAY_CONFLICT', `A route named "${id}" exists already; PUT /config/routes/${id} replaces it.`);
      if (mode === 'replace' && at === -1) throw new GatewayError('MESHWAY_NOT_FOUND', `No route named "${id}" in the dynamic configuration.`);
      return at === -1 ? [...routes, named] : routes.map((r, i) => (i === at ? named : r));
    });
  }

  async deleteRoute(name: string): Promise<ConfigDiff> {
    return this.modify((routes) => {
      if (!routes.some((r) => identityOf(r) === name)) throw new GatewayError('MESHWAY_NOT_FOUND', `No route named "${name}" in the dynamic configuration.`);
      return routes.filter((r) => identityOf(r) !== name);
    });
  }

  private async modify(change: (routes: readonly RouteEntry[]) => readonly RouteEntry[]): Promise<ConfigDiff> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const { document, version } = await this.read();
      const next = this.validate({ ...document, routes: change(document.routes) }, 'configuration');
      if (await this.kv.set(KV_ROUTES_KEY, JSON.stringify(next, null, 2), { cas: version })) return diffRoutes(document.routes, next.routes);
    }
    throw new GatewayError('MESHWAY_CONFLICT', 'The configuration kept changing under this request; try again.');
  }

  private async write(document: RoutesDocument, version: bigint): Promise<void> {
    if (!(await this.kv.set(KV_ROUTES_KEY, JSON.stringify(document, null, 2), { cas: version }))) {
      throw new GatewayError('MESHWAY_CONFLICT', 'The configuration changed while this one was being applied; export it again and retry.');
    }
  }

  /** Throws MESHWAY_GATEWAY_INVALID_CONFIG (answered as 400) naming every bad field. */
  private validate(document: unknown, origin: string): RoutesDocument {
    parseRoutesDocument(document, this.defaults, origin);
    if (!isDocument(document)) throw new GatewayConfigError(`Invalid ${origin}: routes: expected array`);
    const problem = this.check({ source: 'kv', origin: KV_ROUTES_KEY, version: 'candidate', text: JSON.stringify(document), format: 'json' });
    if (problem !== undefined) throw problem instanceof GatewayConfigError ? problem : new GatewayConfigError(problem.message, { cause: problem });
    return document;
  }
}
