import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { systemClock, type Clock, type TimerHandle } from '@meshway/clock';

/** One version of a watched file: its content (undefined when the file is absent) and a short content hash. */
export interface FileVersion {
  readonly path: string;
  readonly text: string | undefined;
  /** First 12 hex digits of the content's SHA-256; `absent` when there is no file. */
  readonly version: string;
}

export interface FileWatcherOptions {
  /** Told every new version (a changed content hash), never the same one twice. */
  readonly onChange: (file: FileVersion) => void;
  /** Told when the file cannot be read (permissions, a directory in its place); the watch goes on. */
  readonly onError?: (error: unknown) => void;
  /** How often the file is read even without a watch event, ms (some filesystems never send one). Default 500. */
  readonly pollMs?: number;
  readonly clock?: Clock;
}

/** Editors write a file in several steps; one read once the burst settles. */
const SETTLE_MS = 50;

export function contentVersion(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

async function readVersion(path: string): Promise<FileVersion> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  return { path, text, version: text === undefined ? 'absent' : contentVersion(text) };
}

/**
 * Watches one file for new content: `fs.watch` on its folder (editors and cert managers replace files by rename, which a
 * watch on the file itself loses) plus a poll, so a save is seen within ~50 ms, and on any filesystem within `pollMs`.
 * Used for routes files and TLS certificates.
 */
export class FileWatcher {
  private watcher: FSWatcher | undefined;
  private poll: TimerHandle;
  private settle: TimerHandle;
  private version: string | undefined;
  private stopped = false;
  private readonly clock: Clock;
  private readonly pollMs: number;

  constructor(
    readonly path: string,
    private readonly options: FileWatcherOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.pollMs = options.pollMs ?? 500;
  }

  /** Reads the file now (rejects when it cannot be read; an absent file is a version with no text) and starts watching. */
  async start(): Promise<FileVersion> {
    const first = await readVersion(this.path);
    this.version = first.version;
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, name) => {
        if (name === null || name === basename(this.path)) this.schedule('settle');
      });
      this.watcher.on('error', () => undefined); // the poll keeps going
    } catch {
      // The folder cannot be watched here: the poll alone keeps the file live.
    }
    this.schedule('poll');
    return first;
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    this.clock.clearTimeout(this.poll);
    this.clock.clearTimeout(this.settle);
  }

  private schedule(kind: 'settle' | 'poll'): void {
    if (this.stopped) return;
    if (kind === 'settle') {
      this.clock.clearTimeout(this.settle);
      this.settle = this.clock.setTimeout(() => void this.check(false), SETTLE_MS);
    } else {
      this.poll = this.clock.setTimeout(() => void this.check(true), this.pollMs);
    }
  }

  private async check(polled: boolean): Promise<void> {
    try {
      const file = await readVersion(this.path);
      if (!this.stopped && file.version !== this.version) {
        this.version = file.version;
        this.options.onChange(file);
      }
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      if (polled) this.schedule('poll');
    }
  }
}
