import { headerValues, IDENTITY_HEADERS, type Credentials, type HeaderValue } from '../index.js';

/** Node's `rawHeaders` of a Fastify (`request.raw`) or Express/Node request: every value, duplicates included. */
function rawHeadersOf(request: unknown): readonly string[] {
  const r = request as { raw?: { rawHeaders?: unknown }; rawHeaders?: unknown } | null;
  const raw = r?.raw?.rawHeaders ?? r?.rawHeaders;
  return Array.isArray(raw) ? (raw as string[]) : [];
}

/** The request's `Authorization` and API key header, all of their values (a duplicate must be seen to be refused). */
export function credentialsOf(request: unknown, apiKeyHeader: string): Credentials {
  const raw = rawHeadersOf(request);
  return { authorization: headerValues(raw, 'authorization'), apiKey: headerValues(raw, apiKeyHeader) };
}

/** The identity headers the gateway set. */
export function identityHeadersOf(request: unknown): { consumer: HeaderValue; scopes: HeaderValue } {
  const raw = rawHeadersOf(request);
  return { consumer: headerValues(raw, IDENTITY_HEADERS.consumer), scopes: headerValues(raw, IDENTITY_HEADERS.scopes) };
}
