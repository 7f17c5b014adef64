import { cpSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '@meshway/clock';
import { RegistryErrorCode } from '../registry.errors.js';
import type { RegistryLogger } from '../registry.logger.js';
import { LmdbStore } from './lmdb.store.js';
import type { LoadedState } from './store.types.js';

export interface OpenedStore {
  readonly store: LmdbStore;
  readonly loaded: LoadedState;
  /** How the state was obtained: the live database, the last checkpoint, or nothing usable. */
  readonly source: 'database' | 'checkpoint' | 'empty';
}

/** Where things live under the data directory. */
export const dataPaths = (dataDir: string): { db: string; checkpoint: string; checkpointOld: string; checkpointTmp: string } => ({
  db: join(dataDir, 'db'),
  checkpoint: join(dataDir, 'checkpoint'),
  checkpointOld: join(dataDir, 'checkpoint.old'),
  checkpointTmp: join(dataDir, 'checkpoint.tmp'),
});

/**
 * Opens the database under `dataDir`. LMDB itself recovers a crash to the last synced commit; if the
 * files are damaged beyond that, the directory is moved aside (kept for inspection) and the last
 * checkpoint is restored — or, failing that, the registry starts empty. Every such step is logged
 * at error level: it never starts on a silently different state.
 */
export function openStore(dataDir: string, logger: RegistryLogger, clock: Clock): OpenedStore {
  const paths = dataPaths(dataDir);
  mkdirSync(dataDir, { recursive: true });
  try {
    return { ...attempt(paths.db, logger), source: 'database' };
  } catch (error) {
    const aside = `${paths.db}.corrupt-${clock.now()}`;
    renameSync(paths.db, aside);
    logger.error(
      { code: RegistryErrorCode.StoreCorrupt, path: paths.db, movedTo: aside, error: describe(error) },
      'registry database is unreadable; moved it aside, recovering from the last checkpoint',
    );
  }
  const checkpoint = [paths.checkpoint, paths.checkpointOld].find((dir) => existsSync(join(dir, 'data.mdb')));
  if (checkpoint !== undefined) {
    try {
      cpSync(checkpoint, paths.db, { recursive: true });
      const opened = attempt(paths.db, logger);
      logger.error({ code: RegistryErrorCode.StoreCorrupt, index: opened.loaded.lastIndex }, 'recovered the registry from its last checkpoint; writes after it are lost');
      return { ...opened, source: 'checkpoint' };
    } catch (error) {
      renameSync(paths.db, `${paths.db}.corrupt-checkpoint-${clock.now()}`);
      logger.error({ code: RegistryErrorCode.StoreCorrupt, error: describe(error) }, 'the checkpoint is unreadable too');
    }
  }
  logger.error({ code: RegistryErrorCode.StoreCorrupt }, 'no usable checkpoint: the registry starts EMPTY');
  return { ...attempt(paths.db, logger), source: 'empty' };
}

function attempt(path: string, logger: RegistryLogger): { store: LmdbStore; loaded: LoadedState } {
  const store = LmdbStore.open(path);
  try {
    return { store, loaded: store.load(logger) };
  } catch (error) {
    void store.close().catch(() => undefined);
    throw error;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
