import { integerOption, invalidOption, stringOption } from './options.validation.js';

/** Where the Consul-compatible registry is and how to talk to it (shared by discovery and registrar). */
export interface ConsulConnectionOptions {
  /**
   * Registry URL, e.g. `http://127.0.0.1:8500` or `https://consul.internal`. `host:port` without a
   * scheme means http, as with the Consul CLI. Default: env `CONSUL_HTTP_ADDR`, else `http://127.0.0.1:8500`.
   */
  readonly addr?: string;
  /** ACL token sent as `X-Consul-Token`. Default: env `CONSUL_HTTP_TOKEN`. */
  readonly token?: string;
  /** Datacenter for catalog and health queries. Default: the registry agent's own. */
  readonly datacenter?: string;
  /** Timeout of one non-blocking request in ms (default 5000). Blocking queries get `wait` plus a margin. */
  readonly timeoutMs?: number;
}

export interface ResolvedConnection {
  /** Base URL of the HTTP API, ending in `/v1`. */
  readonly baseUrl: string;
  readonly token: string | undefined;
  readonly datacenter: string | undefined;
  readonly timeoutMs: number;
}

export const DEFAULT_CONSUL_ADDR = 'http://127.0.0.1:8500';
export const DEFAULT_TIMEOUT_MS = 5_000;

const ADDR_ALLOWED = 'an http:// or https:// URL with a host, e.g. "http://127.0.0.1:8500" (or "host:port")';

function parseAddr(value: unknown): URL {
  if (typeof value !== 'string' || value.trim() === '') throw invalidOption('addr', value, ADDR_ALLOWED);
  const text = value.includes('://') ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidOption('addr', value, ADDR_ALLOWED);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || url.search !== '' || url.hash !== '') {
    throw invalidOption('addr', value, ADDR_ALLOWED);
  }
  return url;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Validates connection options, filling defaults from `env` (`CONSUL_HTTP_ADDR`, `CONSUL_HTTP_TOKEN`). */
export function resolveConnection(options: ConsulConnectionOptions, env: NodeJS.ProcessEnv): ResolvedConnection {
  const addr = options.addr ?? nonEmpty(env['CONSUL_HTTP_ADDR']) ?? DEFAULT_CONSUL_ADDR;
  const url = parseAddr(addr);
  const token = options.token ?? nonEmpty(env['CONSUL_HTTP_TOKEN']);
  if (token !== undefined && (typeof token !== 'string' || /\s/.test(token) || token === '')) {
    throw invalidOption('token', token, 'a non-empty string without whitespace');
  }
  return {
    baseUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}/v1`,
    token,
    datacenter: stringOption('datacenter', options.datacenter, /^[A-Za-z0-9_.-]{1,64}$/, 'a datacenter name of letters, digits, ".", "_" or "-"'),
    timeoutMs: integerOption('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS, 1, 600_000),
  };
}
