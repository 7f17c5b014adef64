import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Consul from 'consul';
import { startRegistry, type RunningRegistry } from '../registry.server.js';
import type { RegistryOptions } from '../registry.options.js';

/**
 * The consul client with loosened call types: its bundled typings lag its runtime (they demand `name`
 * and `timeout` on every check and omit `index`/`wait` on most reads). Answers are asserted structurally.
 */
type Loose<T> = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by expect(), not by types
  [K in keyof T]: T[K] extends (...args: never[]) => unknown ? (...args: unknown[]) => Promise<any> : T[K] extends object ? Loose<T[K]> : T[K];
};
export type LooseConsul = Loose<Pick<Consul, 'agent' | 'catalog' | 'health' | 'kv' | 'session' | 'status' | 'event' | 'transaction'>> & Pick<Consul, 'watch' | 'destroy'>;

/** A registry on port 0 in a fresh temp directory, with a consul client pointed at it. Tests only. */
export interface RegistryFixture {
  readonly registry: RunningRegistry;
  readonly consul: LooseConsul;
  readonly dataDir: string;
  /** `fetch` against the registry: `http('/v1/kv/a', { method: 'PUT', body: 'x' })`. */
  http(path: string, init?: RequestInit): Promise<Response>;
  /** Stops the registry; with `keepData`, leaves the directory for a restart. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'meshway-registry-'));
}

export async function startFixture(options: Partial<RegistryOptions> = {}): Promise<RegistryFixture> {
  const dataDir = options.dataDir ?? tempDataDir();
  const registry = await startRegistry({ port: 0, nodeName: 'node-1', ...options, dataDir });
  const consul = new Consul({ host: '127.0.0.1', port: registry.port, ...(options.aclToken === undefined ? {} : { defaults: { token: options.aclToken } }) });
  let stopped = false;
  const loose = consul as unknown as LooseConsul;
  return {
    registry,
    consul: loose,
    dataDir,
    http: (path, init) => fetch(`${registry.url}${path}`, init),
    stop: async ({ keepData = false } = {}) => {
      if (!stopped) {
        stopped = true;
        consul.destroy();
        await registry.close();
      }
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Narrows a client answer to an array of rows for mapping in assertions. */
export function rows<T>(value: unknown): T[] {
  if (!Array.isArray(value)) throw new Error(`expected an array, got ${JSON.stringify(value)}`);
  return value as T[];
}
