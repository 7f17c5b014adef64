import { connect } from 'node:net';
import type { ProbeResult, ProbeTarget } from './probe.types.js';

/** Consul's TCP check: passing if a connection opens, critical otherwise. */
export function probeTcp(target: ProbeTarget, signal: AbortSignal): Promise<ProbeResult> {
  const address = target.address ?? '';
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(at + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: ProbeResult): void => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = (): void => {
      done({ status: 'critical', output: `dial tcp ${address}: i/o timeout` });
    };
    socket.once('connect', () => {
      done({ status: 'passing', output: `TCP connect ${address}: Success` });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      done({ status: 'critical', output: `dial tcp ${address}: ${error.code ?? ''} ${error.message}`.trim() });
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
