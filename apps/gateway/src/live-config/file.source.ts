import type { Clock } from '@meshway/clock';
import { FileWatcher } from '@meshway/config';
import { formatOf } from '../routing/routes-file.loader.js';
import type { ConfigText } from './config.source.js';

/** Watches the routes file (`GATEWAY_ROUTES_FILE`) and reports each new version of its text within ~50 ms of a save. */
export class FileConfigSource {
  private readonly watcher: FileWatcher;

  constructor(path: string, clock: Clock, onText: (text: ConfigText) => void, onError: (error: unknown) => void) {
    this.watcher = new FileWatcher(path, { clock, onError, onChange: (file) => { onText(this.textOf(file.text, file.version)); } });
  }

  /** Reads the file now (the caller validates it: a bad file at boot stops the boot) and starts watching. */
  async start(): Promise<ConfigText> {
    const file = await this.watcher.start();
    return this.textOf(file.text, file.version);
  }

  stop(): void {
    this.watcher.stop();
  }

  private textOf(text: string | undefined, version: string): ConfigText {
    return { source: 'file', origin: this.watcher.path, version, text, format: formatOf(this.watcher.path) };
  }
}
