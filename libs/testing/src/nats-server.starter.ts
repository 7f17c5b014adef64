import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@meshway/process';
import { spawnProcess, type ManagedProcess } from './managed.process.js';

/** A private nats-server for one test file. */
export interface StartedNatsServer {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  readonly process: ManagedProcess;
  /** Stops the server (SIGTERM) and removes its JetStream store, when it had one. */
  stop(): Promise<void>;
}

export interface NatsServerOptions {
  /**
   * Start with JetStream (`-js`) and a store of its own in a temp folder, removed by `stop()` (default false: a plain
   * server, as most tests need, and what a test of "NATS without JetStream" wants).
   */
  readonly jetStream?: boolean;
}

/** The Debian package's path first (CI installs it there), then whatever `nats-server` PATH finds. */
const BINARY = existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server';

/**
 * Starts a real nats-server (the same binary as the machine's at 127.0.0.1:4222) on a free port.
 * Platform tests run whole services whose subjects, queue groups, streams and durables are fixed (`orders.create`
 * in queue `orders`, stream `ORDER_EVENTS`); on one shared server, two platforms started by two test files would
 * answer each other's requests and share each other's events. Unit-level NATS specs keep using the shared server with
 * unique subjects.
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<StartedNatsServer> {
  const port = await freePort();
  const storeDir = options.jetStream === true ? mkdtempSync(join(tmpdir(), `nats-js-${port}-`)) : undefined;
  const args = ['-a', '127.0.0.1', '-p', String(port), ...(storeDir === undefined ? [] : ['-js', '-sd', storeDir])];
  const process = spawnProcess({ name: `nats-${port}`, command: BINARY, args });
  const removeStore = (): void => {
    if (storeDir !== undefined) rmSync(storeDir, { recursive: true, force: true });
  };
  try {
    await process.waitForLine(/Server is ready/, 15_000);
  } catch (error) {
    await process.kill('SIGKILL');
    removeStore();
    throw error;
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    process,
    stop: async () => {
      await process.kill('SIGTERM');
      removeStore();
    },
  };
}
