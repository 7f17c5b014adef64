import { Agent, request } from 'node:http';

/** What one HTTP exchange gave: status, body, the X-Consul-Index header, and when the body was complete. */
export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly index: number;
  readonly at: number;
}

/**
 * A minimal keep-alive HTTP client on node:http (no extra dependency): blocking queries need one socket
 * each, so the agent allows as many sockets as there are watchers.
 */
export class HttpClient {
  readonly agent: Agent;

  constructor(
    private readonly base: URL,
    maxSockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  send(method: string, path: string, body?: string, signal?: AbortSignal): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: this.base.hostname, port: this.base.port, method, path, agent: this.agent, signal, headers: body === undefined ? {} : { 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), index: Number(res.headers['x-consul-index'] ?? 0), at: performance.now() });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** p-th percentile (nearest rank) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
