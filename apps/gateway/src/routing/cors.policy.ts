import type { HttpMethod } from '@meshway/discovery';

/** A route's CORS settings, as written in the routes file (`cors:`). */
export interface CorsSettings {
  /** Allowed origins (`https://app.example.com`), or `["*"]` for any. */
  readonly origins: readonly string[];
  /** Methods a preflight may ask for; default: the route's methods (any when the route allows any). */
  readonly methods?: readonly HttpMethod[];
  /** Request headers a preflight may ask for; default: content-type, authorization, x-api-key, x-request-id. */
  readonly headers?: readonly string[];
  /** Response headers the browser may read; default: x-request-id. */
  readonly exposeHeaders?: readonly string[];
  /** Whether the browser may send cookies / credentials (never with `*`). Default false. */
  readonly credentials?: boolean;
  /** How long a browser may cache a preflight answer, seconds. Default 600. */
  readonly maxAgeSec?: number;
}

const DEFAULT_HEADERS = ['content-type', 'authorization', 'x-api-key', 'x-request-id'];

/** A route's CORS rules, compiled once: answers a preflight, and decorates actual responses to allowed origins. */
export class CorsPolicy {
  private readonly anyOrigin: boolean;
  private readonly origins: ReadonlySet<string>;
  private readonly methods: string;
  private readonly allowedHeaders: ReadonlySet<string>;
  private readonly headersText: string;
  private readonly expose: string;

  constructor(
    private readonly settings: CorsSettings,
    routeMethods: readonly HttpMethod[],
  ) {
    this.anyOrigin = settings.origins.includes('*');
    this.origins = new Set(settings.origins.map((origin) => origin.toLowerCase()));
    this.methods = (settings.methods ?? (routeMethods.length > 0 ? routeMethods : ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])).join(', ');
    const headers = (settings.headers ?? DEFAULT_HEADERS).map((h) => h.toLowerCase());
    this.allowedHeaders = new Set(headers);
    this.headersText = headers.join(', ');
    this.expose = (settings.exposeHeaders ?? ['x-request-id']).join(', ');
  }

  /** The `Access-Control-Allow-Origin` value for `origin`, or undefined when it is not allowed. */
  allowOrigin(origin: string | undefined): string | undefined {
    if (origin === undefined) return undefined;
    if (this.anyOrigin && this.settings.credentials !== true) return '*';
    return this.anyOrigin || this.origins.has(origin.toLowerCase()) ? origin : undefined;
  }

  /** Headers for an actual (non-preflight) response to `origin`, `[name, value, …]`; empty when not allowed. */
  responseHeaders(origin: string | undefined): string[] {
    const allowed = this.allowOrigin(origin);
    if (allowed === undefined) return [];
    const headers = ['access-control-allow-origin', allowed, 'vary', 'origin'];
    if (this.expose !== '') headers.push('access-control-expose-headers', this.expose);
    if (this.settings.credentials === true) headers.push('access-control-allow-credentials', 'true');
    return headers;
  }

  /**
   * Headers answering a preflight, or undefined when the origin, method or a requested header is not allowed (the
   * browser then refuses the real request; the gateway never forwards a preflight).
   */
  preflightHeaders(origin: string | undefined, method: string, requestedHeaders: string | undefined): Record<string, string> | undefined {
    const allowed = this.allowOrigin(origin);
    if (allowed === undefined || !this.methods.split(', ').includes(method)) return undefined;
    const asked = (requestedHeaders ?? '').split(',').map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
    if (!asked.every((h) => this.allowedHeaders.has(h))) return undefined;
    return {
      'access-control-allow-origin': allowed,
      'access-control-allow-methods': this.methods,
      'access-control-allow-headers': this.headersText,
      'access-control-max-age': String(this.settings.maxAgeSec ?? 600),
      ...(this.settings.credentials === true ? { 'access-control-allow-credentials': 'true' } : {}),
      vary: 'origin, access-control-request-method, access-control-request-headers',
    };
  }
}
