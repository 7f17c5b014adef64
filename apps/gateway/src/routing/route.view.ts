import { describeHashOn } from './hash-key.js';
import type { Route } from './route-table.js';

/** A route as `GET /routes` shows it. */
export interface RouteView {
  readonly route: string;
  readonly name: string | null;
  readonly source: string;
  readonly methods: readonly string[];
  readonly host: string | null;
  readonly path: string;
  readonly service: string;
  readonly transport: string;
  readonly subject: string | null;
  readonly stripPrefix: string | null;
  readonly balancer: string;
  /** What a consistent-hash route hashes on. */
  readonly hashOn: string | null;
  /** The route's compiled chain: its steps in order, then its forwarder. */
  readonly chain: readonly string[];
  readonly timeoutMs: number;
  readonly bodyLimitBytes: number;
  /** Who may call (`none`, `jwt`, `apiKey`, `any`) and the scopes required. */
  readonly auth: string;
  readonly scopes: readonly string[];
  readonly rateLimit: { readonly points: number; readonly durationSec: number; readonly by: string } | null;
  readonly instances: readonly { readonly id: string; readonly address: string; readonly port: number; readonly weight: number; readonly version: string | null }[];
}

export function describeRoutes(routes: readonly Route[]): RouteView[] {
  return routes.map(({ key, spec, upstream, chain }) => ({
    route: key,
    name: spec.name ?? null,
    source: spec.source,
    methods: spec.methods.length === 0 ? ['*'] : spec.methods,
    host: spec.host ?? null,
    path: spec.path,
    service: spec.service,
    transport: spec.transport,
    subject: spec.subject ?? null,
    stripPrefix: spec.stripPrefix ?? null,
    balancer: spec.balancer,
    hashOn: spec.hashOn === undefined ? null : describeHashOn(spec.hashOn),
    chain: chain.steps,
    timeoutMs: spec.timeoutMs,
    bodyLimitBytes: spec.bodyLimitBytes,
    auth: spec.auth,
    scopes: spec.scopes,
    rateLimit: spec.rateLimit ?? null,
    instances: upstream.instances.map((i) => ({ id: i.id, address: i.address, port: i.port, weight: i.weight, version: i.version ?? null })),
  }));
}
