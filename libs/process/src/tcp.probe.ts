import { connect } from 'node:net';

/** Whether a TCP connection opened, or why not (`ECONNREFUSED`, `no answer within 500 ms`, …). */
export type TcpProbeResult = { readonly reachable: true } | { readonly reachable: false; readonly reason: string };

/** Options of {@link probeTcp}. */
export interface TcpProbeOptions {
  /** Give up on the connect after this long, ms. Default 500. */
  readonly timeoutMs?: number;
}

/**
 * Opens a TCP connection to `host:port` and closes it at once. Enough to tell "is a server listening
 * there" (NATS, Redis, a registry) without speaking its protocol; never rejects.
 */
export function probeTcp(host: string, port: number, options: TcpProbeOptions = {}): Promise<TcpProbeResult> {
  const timeoutMs = options.timeoutMs ?? 500;
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: TcpProbeResult): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => {
      done({ reachable: false, reason: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    socket.once('connect', () => {
      done({ reachable: true });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      done({ reachable: false, reason: error.code ?? error.message });
    });
  });
}
