import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';

export const LOCALHOST = '127.0.0.1';

/** Options of {@link freePorts}. */
export interface FreePortsOptions {
  /** Ports never to hand out (e.g. fixed ports that are free but not bound yet). */
  readonly exclude?: readonly number[];
  /** Interface to bind. Default 127.0.0.1. */
  readonly host?: string;
}

/** The lowest port handed out when the kernel's ephemeral range is known (below it, above common service ports). */
export const PORT_DRAW_FLOOR = 20_000;
/** Where Linux keeps the range it picks port-0 listeners and outgoing connections from. */
const EPHEMERAL_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';
/** Ports this process handed out lately: never twice in a row, even once released. */
const handedOut = new Set<number>();
const HANDED_OUT_MAX = 4_096;

/**
 * The ports to draw from: `[PORT_DRAW_FLOOR, first ephemeral port)`. A port the kernel gives to a port-0 listener or an
 * outgoing connection is always inside the ephemeral range, so one drawn below it cannot be taken that way between our
 * check and its user's bind — the race that made a test's gateway find its admin port held by someone's port-0 server.
 * `rangeText` is that file's text. Undefined where the range is unknown (not Linux) or leaves no room: then the OS picks (port 0).
 */
export function drawRange(rangeText: string | undefined): { readonly low: number; readonly high: number } | undefined {
  const low = Number(rangeText?.trim().split(/\s+/)[0]);
  if (!Number.isInteger(low) || low <= PORT_DRAW_FLOOR + 1_000) return undefined;
  return { low: PORT_DRAW_FLOOR, high: low - 1 };
}

/** {@link drawRange} of this machine. */
export function localDrawRange(): { readonly low: number; readonly high: number } | undefined {
  return drawRange(readRange());
}

function readRange(): string | undefined {
  try {
    return readFileSync(EPHEMERAL_RANGE_FILE, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * `count` distinct TCP ports that were free a moment ago, all held open together while chosen, then released: drawn at
 * random below the kernel's ephemeral range (see {@link drawRange}), else picked by the OS. Another process could still
 * take one before it is used: prefer listening on port 0 directly, and use this only when a port must be known before a
 * process starts (fixed ports of a platform under test, the services `npm start` runs).
 */
export async function freePorts(count: number, options: FreePortsOptions = {}): Promise<number[]> {
  const { exclude = [], host = LOCALHOST } = options;
  const range = localDrawRange();
  const servers: Server[] = [];
  const ports: number[] = [];
  try {
    for (let tries = 0; ports.length < count; tries++) {
      const wanted = range === undefined || tries > count * 64 ? 0 : range.low + Math.floor(Math.random() * (range.high - range.low + 1));
      if (wanted !== 0 && (handedOut.has(wanted) || exclude.includes(wanted) || ports.includes(wanted))) continue;
      const server = await listen(wanted, host).catch(() => undefined); // taken: draw again
      if (server === undefined) continue;
      servers.push(server);
      const { port } = server.address() as AddressInfo;
      if (!exclude.includes(port)) ports.push(port);
    }
    for (const port of ports) remember(port);
    return ports;
  } finally {
    await Promise.all(servers.map(close));
  }
}

function remember(port: number): void {
  handedOut.add(port);
  if (handedOut.size > HANDED_OUT_MAX) handedOut.delete(handedOut.values().next().value as number);
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
