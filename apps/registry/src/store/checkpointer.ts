import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock, TimerHandle } from '@meshway/clock';
import type { RegistryLogger } from '../registry.logger.js';
import type { LmdbStore } from './lmdb.store.js';
import { dataPaths } from './store.opener.js';

/**
 * Keeps a consistent copy of the database beside it (`<dataDir>/checkpoint`), refreshed after start
 * and then every `intervalMs` when something changed. It is the fallback if the live files are ever
 * damaged beyond what LMDB's own crash recovery handles (disk faults, tampering).
 */
export class Checkpointer {
  private timer: TimerHandle;
  private stopped = false;
  private lastIndex = -1;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: LmdbStore,
    private readonly dataDir: string,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly currentIndex: () => number,
    private readonly logger: RegistryLogger,
  ) {}

  start(): void {
    void this.checkpoint();
    this.schedule();
  }

  /** Writes a checkpoint now unless nothing changed since the last one. */
  checkpoint(): Promise<void> {
    const index = this.currentIndex();
    if (index === this.lastIndex) return this.running ?? Promise.resolve();
    this.running = (this.running ?? Promise.resolve()).then(() => this.write(index));
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      void this.checkpoint().finally(() => {
        if (!this.stopped) this.schedule();
      });
    }, this.intervalMs);
  }

  private async write(index: number): Promise<void> {
    const paths = dataPaths(this.dataDir);
    try {
      rmSync(paths.checkpointTmp, { recursive: true, force: true });
      mkdirSync(paths.checkpointTmp, { recursive: true });
      await this.store.backup(paths.checkpointTmp);
      fsyncFile(join(paths.checkpointTmp, 'data.mdb'));
      // Swap so that some complete checkpoint exists at every instant.
      rmSync(paths.checkpointOld, { recursive: true, force: true });
      if (existsSync(paths.checkpoint)) renameSync(paths.checkpoint, paths.checkpointOld);
      renameSync(paths.checkpointTmp, paths.checkpoint);
      rmSync(paths.checkpointOld, { recursive: true, force: true });
      this.lastIndex = index;
      this.logger.debug({ index }, 'checkpoint written');
    } catch (error) {
      this.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'checkpoint failed; the previous one is kept');
    }
  }
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
