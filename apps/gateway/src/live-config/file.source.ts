import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Clock, TimerHandle } from '@meshway/clock';
import { formatOf } from '../routing/routes-file.loader.js';
import type { ConfigText } from './config.source.js';

/** How often the file is read even without a watch event (some filesystems and editors never send one). */
export const FILE_POLL_MS = 500;
/** Editors write a file in several steps; one read after the burst settles. */
const SETTLE_MS = 50;

export function contentVersion(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/**
 * Watches the routes file (`GATEWAY_ROUTES_FILE`): `fs.watch` on its folder (editors replace files by rename, which a
 * watch on the file itself loses) plus a poll, and reports each new version of its text — within ~50 ms of a save.
 */
export class FileConfigSource {
  private watcher: FSWatcher | undefined;
  private poll: TimerHandle;
  private settle: TimerHandle;
  private version: string | undefined;
  private stopped = false;

  constructor(
    private readonly path: string,
    private readonly clock: Clock,
    private readonly onText: (text: ConfigText) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Reads the file now (the caller validates it: a bad file at boot stops the boot) and starts watching. */
  async start(): Promise<ConfigText> {
    const first = await this.read();
    this.version = first.version;
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, name) => {
        if (name === null || name === basename(this.path)) this.soon(SETTLE_MS);
      });
      this.watcher.on('error', () => undefined); // the poll keeps going
    } catch {
      // The folder cannot be watched here: the poll alone keeps the config live.
    }
    this.soon(FILE_POLL_MS);
    return first;
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    this.clock.clearTimeout(this.poll);
    this.clock.clearTimeout(this.settle);
  }

  private soon(ms: number): void {
    if (this.stopped) return;
    if (ms === SETTLE_MS) {
      this.clock.clearTimeout(this.settle);
      this.settle = this.clock.setTimeout(() => void this.check(false), ms);
    } else {
      this.poll = this.clock.setTimeout(() => void this.check(true), ms);
    }
  }

  private async check(polled: boolean): Promise<void> {
    try {
      const text = await this.read();
      if (!this.stopped && text.version !== this.version) {
        this.version = text.version;
        this.onText(text);
      }
    } catch (error) {
      this.onError(error);
    } finally {
      if (polled) this.soon(FILE_POLL_MS);
    }
  }

  private async read(): Promise<ConfigText> {
    const text = await readFile(this.path, 'utf8').catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    });
    return { source: 'file', origin: this.path, version: text === undefined ? 'absent' : contentVersion(text), text, format: formatOf(this.path) };
  }
}
