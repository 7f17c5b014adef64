import { createServer, type AddressInfo, type Server } from 'node:net';
import { DevError, DevErrorCode } from './dev.errors.js';

export const LOCALHOST = '127.0.0.1';

/**
 * `count` distinct free ports on 127.0.0.1: the OS picks each (port 0) while all are held open, then
 * they are released for the children to bind. Another process could take one in between; the child
 * then fails to listen and `npm start` reports it.
 */
export async function allocatePorts(count: number, exclude: readonly number[] = [], host = LOCALHOST): Promise<number[]> {
  const servers: Server[] = [];
  const ports: number[] = [];
  try {
    // Ports in `exclude` (the registry's and gateway's, free but not bound yet) are held and skipped.
    while (ports.length < count) {
      const server = await listen(0, host);
      servers.push(server);
      const port = (server.address() as AddressInfo).port;
      if (!exclude.includes(port)) ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map(close));
  }
}

/** Throws `MESHWAY_DEV_PORT_IN_USE` when `port` cannot be bound (e.g. a registry from an earlier run still holds 8500). */
export async function assertPortFree(variable: string, port: number, host = LOCALHOST): Promise<void> {
  let server: Server;
  try {
    server = await listen(port, host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new DevError(
      DevErrorCode.PortInUse,
      `${variable}=${port} cannot be used (${code}): another process holds ${host}:${port}. Stop it (an earlier npm start?) or set ${variable}.`,
    );
  }
  await close(server);
}

function listen(port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      resolve(server);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => {
    resolve();
  }));
}
