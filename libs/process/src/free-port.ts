import { createServer, type AddressInfo, type Server } from 'node:net';

export const LOCALHOST = '127.0.0.1';

/** Options of {@link freePorts}. */
export interface FreePortsOptions {
  /** Ports never to hand out (e.g. fixed ports that are free but not bound yet). */
  readonly exclude?: readonly number[];
  /** Interface to bind. Default 127.0.0.1. */
  readonly host?: string;
}

/**
 * `count` distinct TCP ports that were free a moment ago: the OS picks each (port 0) while all are held
 * open, then they are released. Another process could take one before it is used: prefer listening on
 * port 0 directly, and use this only when a port must be known before a process starts.
 */
export async function freePorts(count: number, options: FreePortsOptions = {}): Promise<number[]> {
  const { exclude = [], host = LOCALHOST } = options;
  const servers: Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < count) {
      const server = await listen(0, host);
      servers.push(server);
      const { port } = server.address() as AddressInfo;
      if (!exclude.includes(port)) ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map(close));
  }
}

/** One TCP port that was free a moment ago on `host` (see {@link freePorts}). */
export async function freePort(host = LOCALHOST): Promise<number> {
  const [port] = await freePorts(1, { host });
  if (port === undefined) throw new Error('freePorts(1) returned no port');
  return port;
}

/** Whether a port can be bound right now. */
export type PortCheck = { readonly free: true } | { readonly free: false; readonly reason: string };

/** Binds `host:port` exclusively and lets go: `{ free: false, reason: 'EADDRINUSE' }` when another process holds it. */
export async function checkPortFree(port: number, host = LOCALHOST): Promise<PortCheck> {
  let server: Server;
  try {
    server = await listen(port, host);
  } catch (error) {
    return { free: false, reason: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
  await close(server);
  return { free: true };
}

function listen(port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      resolve(server);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
  });
}
