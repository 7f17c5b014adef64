import { createServer, type AddressInfo } from 'node:net';

/**
 * A TCP port that was free a moment ago on `host` (the OS picks it). Prefer listening on port 0
 * directly; use this only when a port must be known before a process starts.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}
