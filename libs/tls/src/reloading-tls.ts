import type { SecureContextOptions } from 'node:tls';
import type { Clock } from '@meshway/clock';
import { FileWatcher } from '@meshway/config';
import { checkMaterial, loadTlsFiles, type TlsFiles, type TlsMaterial } from './tls-files.js';

export interface ReloadingTlsOptions {
  readonly files: TlsFiles;
  /** Told each new, checked identity: pass it to `server.setSecureContext()` (or rebuild a client's agent). */
  readonly onReload: (options: SecureContextOptions, material: TlsMaterial) => void;
  /** Told when new files are unusable (half-written, key not matching): the previous identity stays in force. */
  readonly onError: (error: unknown) => void;
  readonly clock?: Clock;
}

/**
 * A TLS identity that follows its files: certificate, key and CA are watched (cert managers replace them by rename),
 * and each time they change and together make a usable identity, `onReload` gets it — no restart, no dropped
 * connection (existing connections keep the context they started with).
 */
export class ReloadingTls {
  private watchers: FileWatcher[] = [];
  private current: TlsMaterial | undefined;

  constructor(private readonly options: ReloadingTlsOptions) {}

  /** Loads the identity now (throws MESHWAY_TLS_INVALID_FILES when unusable) and starts watching its files. */
  async start(): Promise<SecureContextOptions> {
    const material = await loadTlsFiles(this.options.files);
    this.current = material;
    const { certFile, keyFile, caFile } = this.options.files;
    this.watchers = [certFile, keyFile, caFile].filter((file) => file !== undefined).map(
      (file) => new FileWatcher(file, { onChange: () => void this.reload(), onError: this.options.onError, ...(this.options.clock ? { clock: this.options.clock } : {}) }),
    );
    await Promise.all(this.watchers.map((watcher) => watcher.start()));
    return checkMaterial(material, this.options.files);
  }

  /** The identity in force (the PEM texts), e.g. for a client's connect options; loads it when not started yet. */
  async material(): Promise<TlsMaterial> {
    return this.current ?? loadTlsFiles(this.options.files);
  }

  stop(): void {
    for (const watcher of this.watchers) watcher.stop();
  }

  private async reload(): Promise<void> {
    try {
      const material = await loadTlsFiles(this.options.files);
      const context = checkMaterial(material, this.options.files);
      this.current = material;
      this.options.onReload(context, material);
    } catch (error) {
      this.options.onError(error);
    }
  }
}
