import { connect } from 'node:net';
import { DevError, DevErrorCode } from './dev.errors.js';

/** One server of a NATS_URL list. */
export interface NatsServer {
  /** As written in NATS_URL (with `nats://` added when absent), for messages. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
}

export type NatsProbeResult =
  | { readonly reachable: true; readonly url: string }
  | { readonly reachable: false; readonly reason: string };

const DEFAULT_NATS_PORT = 4222;
export const NATS_PROBE_TIMEOUT_MS = 500;

/** Splits `nats://a:4222,nats://b:4223` (scheme and port optional). Throws `MESHWAY_DEV_BAD_ENV` on a bad entry. */
export function parseNatsServers(natsUrl: string): NatsServer[] {
  return natsUrl.split(',').map((raw) => {
    const item = raw.trim();
    const withScheme = /^[a-z]+:\/\//i.test(item) ? item : `nats://${item}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      throw badNatsUrl(natsUrl, item);
    }
    const port = url.port === '' ? DEFAULT_NATS_PORT : Number(url.port);
    if (item === '' || url.hostname === '' || !['nats:', 'tls:', 'ws:', 'wss:'].includes(url.protocol)) {
      throw badNatsUrl(natsUrl, item);
    }
    return { url: withScheme, host: url.hostname.replace(/^\[|\]$/g, ''), port };
  });
}

/**
 * Whether any NATS server accepts a TCP connection within `timeoutMs` (all probed at once; the first
 * reachable in list order wins). A TCP connect is enough to tell "is NATS running here" without a client.
 */
export async function probeNats(servers: readonly NatsServer[], timeoutMs = NATS_PROBE_TIMEOUT_MS): Promise<NatsProbeResult> {
  const results = await Promise.all(servers.map((s) => probeTcp(s.host, s.port, timeoutMs)));
  const index = results.findIndex((r) => r === true);
  const reachable = servers[index];
  if (reachable) return { reachable: true, url: reachable.url };
  return { reachable: false, reason: [...new Set(results)].join(', ') };
}

/** Resolves `true` when the port accepts a connection, else the error code (`ECONNREFUSED`, `timeout after 500 ms`, …). */
export function probeTcp(host: string, port: number, timeoutMs: number): Promise<true | string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: true | string): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => {
      done(`timeout after ${timeoutMs} ms`);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      done(error.code ?? error.message);
    });
  });
}

function badNatsUrl(natsUrl: string, item: string): DevError {
  return new DevError(DevErrorCode.BadEnv, `NATS_URL="${natsUrl}": "${item}" is not a NATS server: expected nats://host:port, comma-separated.`);
}
