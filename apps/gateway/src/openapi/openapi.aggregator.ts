import type { Clock } from '@meshway/clock';
import type { ServiceInstance } from '@meshway/discovery';
import { originOf } from '@meshway/transport';
import { request } from 'undici';
import type { RouteView } from '../routing/route.view.js';
import { mergeOpenApi, type OpenApiDocument } from './openapi.merger.js';

/** Where every Meshway service publishes its API description (HTTP services through @nestjs/swagger; NATS services from their patterns). */
export const SERVICE_OPENAPI_PATH = '/openapi.json';
/** A service's document is asked again after this long even when its instances did not change (a redeploy on the same address). */
const MAX_AGE_MS = 30_000;
const FETCH_TIMEOUT_MS = 2_000;
const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

interface Cached {
  readonly instances: string;
  readonly fetchedAt: number;
  readonly doc: OpenApiDocument | undefined;
}

function isDocument(value: unknown): value is OpenApiDocument {
  if (typeof value !== 'object' || value === null) return false;
  const { openapi, info, paths } = value as { openapi?: unknown; info?: unknown; paths?: unknown };
  return typeof openapi === 'string' && typeof info === 'object' && info !== null && (paths === undefined || typeof paths === 'object');
}

/**
 * Builds the gateway's one OpenAPI document on demand: for every routed service, the document one of its instances
 * publishes at `/openapi.json` (kept until the service's instances change or 30 s pass), merged with the live routes.
 * A service that appears, changes or goes is reflected on the next request — no restart.
 */
export class OpenApiAggregator {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly deps: {
      readonly routes: () => readonly RouteView[];
      readonly instances: (service: string) => readonly ServiceInstance[];
      readonly clock: Clock;
    },
  ) {}

  async document(): Promise<OpenApiDocument> {
    const routes = this.deps.routes();
    const services = [...new Set(routes.map((route) => route.service))];
    const docs = new Map<string, OpenApiDocument>();
    await Promise.all(services.map(async (service) => {
      const doc = await this.documentOf(service);
      if (doc) docs.set(service, doc);
    }));
    for (const service of this.cache.keys()) if (!services.includes(service)) this.cache.delete(service);
    return mergeOpenApi(routes, docs, { title: 'Meshway gateway', version: '1.0.0', description: 'Every API the gateway routes, with paths as the gateway exposes them.' });
  }

  private async documentOf(service: string): Promise<OpenApiDocument | undefined> {
    const instances = this.deps.instances(service);
    const signature = instances.map((instance) => instance.id).sort().join(',');
    const cached = this.cache.get(service);
    const now = this.deps.clock.monotonic();
    if (cached?.instances === signature && now - cached.fetchedAt < MAX_AGE_MS) return cached.doc;
    const doc = await this.fetchFrom(instances);
    this.cache.set(service, { instances: signature, fetchedAt: now, doc });
    return doc;
  }

  /** Asks the instances in turn until one answers with a document. */
  private async fetchFrom(instances: readonly ServiceInstance[]): Promise<OpenApiDocument | undefined> {
    for (const instance of instances) {
      try {
        const res = await request(`${originOf(instance, instance.scheme)}${SERVICE_OPENAPI_PATH}`, { headersTimeout: FETCH_TIMEOUT_MS, bodyTimeout: FETCH_TIMEOUT_MS });
        if (res.statusCode !== 200 || Number(res.headers['content-length'] ?? 0) > MAX_DOCUMENT_BYTES) {
          await res.body.dump();
          continue;
        }
        const body: unknown = await res.body.json();
        if (isDocument(body)) return body;
      } catch {
        // Unreachable or not JSON: try the next instance; a service without a document is still listed, as such.
      }
    }
    return undefined;
  }
}
