import type { Transport } from '@meshway/discovery';
import { probeTcp } from '@meshway/process';
import { showValue } from './show-value.js';
import { TransportError, TransportErrorCode } from './transport.errors.js';

export const TRANSPORT_MODES = ['auto', 'http', 'nats'] as const;
export type TransportMode = (typeof TRANSPORT_MODES)[number];

export interface DetectTransportOptions {
  /** `MESHWAY_TRANSPORT`: `auto` probes NATS, `http` / `nats` force the choice. */
  readonly mode: TransportMode;
  /** `NATS_URL` as a list: `nats://host:port`, `tls://host:port` or `host:port` (port 4222 when absent). */
  readonly natsServers: readonly string[];
  /** How long each TCP probe may take, in ms (default 500). */
  readonly timeoutMs?: number;
}

export interface TransportChoice {
  readonly transport: Transport;
  /** One line for a start banner, e.g. `NATS reachable at nats://127.0.0.1:4222`. */
  readonly reason: string;
}

const DEFAULT_PROBE_TIMEOUT_MS = 500;

function invalid(option: string, given: unknown, allowed: string): TransportError {
  return new TransportError(TransportErrorCode.InvalidOptions, `Invalid detectTransport option ${option}: got ${showValue(given)}; allowed: ${allowed}`);
}

/** Reads host and port out of one NATS server URL. */
export function parseNatsServer(server: string): { host: string; port: number } {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `nats://${server}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalid('natsServers', server, 'URLs like nats://127.0.0.1:4222 or host:port');
  }
  if (url.hostname === '') throw invalid('natsServers', server, 'URLs like nats://127.0.0.1:4222 or host:port');
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port === '' ? 4222 : Number(url.port) };
}

/** Resolves when a TCP connection to host:port opens within `timeoutMs`; rejects with the reason otherwise. */
async function probe(host: string, port: number, timeoutMs: number): Promise<void> {
  const result = await probeTcp(host, port, { timeoutMs });
  if (!result.reachable) throw new Error(result.reason);
}

/**
 * Chooses the transport for `MESHWAY_TRANSPORT`: `http`/`nats` as asked; `auto` → NATS when a TCP
 * connection to one of the servers opens within the timeout (all probed at once, first reachable in
 * list order wins), else HTTP with a reason naming each server and its error.
 */
export async function detectTransport(options: DetectTransportOptions): Promise<TransportChoice> {
  const { mode, natsServers } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  if (!(TRANSPORT_MODES as readonly string[]).includes(mode)) throw invalid('mode', mode, TRANSPORT_MODES.join(', '));
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw invalid('timeoutMs', timeoutMs, 'a positive number of milliseconds');
  if (mode === 'http') return { transport: 'http', reason: 'HTTP (MESHWAY_TRANSPORT=http)' };
  if (mode === 'nats') return { transport: 'nats', reason: `NATS at ${natsServers.join(', ')} (MESHWAY_TRANSPORT=nats)` };
  if (natsServers.length === 0) return { transport: 'http', reason: 'HTTP (no NATS server configured)' };
  const targets = natsServers.map((server) => ({ server, ...parseNatsServer(server) }));
  const results = await Promise.allSettled(targets.map((t) => probe(t.host, t.port, timeoutMs)));
  const reachable = targets.find((_, i) => results[i]?.status === 'fulfilled');
  if (reachable) return { transport: 'nats', reason: `NATS reachable at ${reachable.server}` };
  const why = targets.map((t, i) => {
    const result = results[i];
    return `${t.server}: ${result?.status === 'rejected' ? (result.reason as Error).message : 'unknown'}`;
  });
  return { transport: 'http', reason: `HTTP (NATS not reachable at ${why.join('; ')})` };
}
