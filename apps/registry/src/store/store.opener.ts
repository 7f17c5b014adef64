import { cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '@meshway/clock';
import { RegistryErrorCode } from '../registry.errors.js';
import type { RegistryLogger } from '../registry.logger.js';
import { checkMetaPages, probeInChild } from './lmdb.integrity.js';
import { LmdbStore } from './lmdb.store.js';
import type { LoadedState } from './store.types.js';

export interface OpenedStore {
  readonly store: LmdbStore;
  readonly loaded: LoadedState;
  /** How the state was obtained: the live database, the last checkpoint, or nothing usable. */
  readonly source: 'database' | 'checkpoint' | 'empty';
}

/** Where things live under the data directory. */
export const dataPaths = (dataDir: string): Record<'db' | 'checkpoint' | 'checkpointOld' | 'checkpointTmp' | 'cleanMarker', string> => ({
  db: join(dataDir, 'db'),
  checkpoint: join(dataDir, 'checkpoint'),
  checkpointOld: join(dataDir, 'checkpoint.old'),
  checkpointTmp: join(dataDir, 'checkpoint.tmp'),
  cleanMarker: join(dataDir, 'clean-shutdown'),
});

/**
 * Opens the database under `dataDir`. LMDB itself recovers a crash to the last synced commit; if the
 * files are damaged beyond that, the directory is moved aside (kept for inspection) and the last
 * checkpoint is restored — or, failing that, the registry starts empty. Every such step is logged
 * at error level: it never starts on a silently different state. After an unclean stop the files are
 * first read by a child process, because damaged pages crash LMDB's native code instead of erroring.
 */
export function openStore(dataDir: string, logger: RegistryLogger, clock: Clock): OpenedStore {
  const paths = dataPaths(dataDir);
  mkdirSync(dataDir, { recursive: true });
  const uncleanStop = existsSync(join(paths.db, 'data.mdb')) && !existsSync(paths.cleanMarker);
  // Removed before opening: if opening crashes, the next start knows and probes first.
  rmSync(paths.cleanMarker, { force: true });
  try {
    const problem = checkMetaPages(paths.db) ?? (uncleanStop ? probeInChild(paths.db) : undefined);
    if (problem !== undefined) throw new Error(problem);
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

/** Marks a clean stop (the database was closed after its last commit): the next start skips the probe. */
export function markCleanShutdown(dataDir: string): void {
  writeFileSync(dataPaths(dataDir).cleanMarker, `${new Date().toISOString()}\n`);
}
