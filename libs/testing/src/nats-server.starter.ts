import { existsSync } from 'node:fs';
import { freePort } from '@meshway/process';
import { spawnProcess, type ManagedProcess } from './managed.process.js';

/** A private nats-server for one test file. */
export interface StartedNatsServer {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** The Debian package's path first (CI installs it there), then whatever `nats-server` PATH finds. */
const BINARY = existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server';

/**
 * Starts a real nats-server (the same binary as the machine's at 127.0.0.1:4222) on a free port.
 * Platform tests run whole services whose subjects and queue groups are fixed (`orders.create` in queue
 * `orders`); on one shared server, two platforms started by two test files would answer each other's
 * requests. Unit-level NATS specs keep using the shared server with unique subjects.
 */
export async function startNatsServer(): Promise<StartedNatsServer> {
  const port = await freePort();
  const process = spawnProcess({ name: `nats-${port}`, command: BINARY, args: ['-a', '127.0.0.1', '-p', String(port)] });
  await process.waitForLine(/Server is ready/, 15_000);
  return { url: `nats://127.0.0.1:${port}`, process, stop: () => process.kill('SIGTERM') };
}
