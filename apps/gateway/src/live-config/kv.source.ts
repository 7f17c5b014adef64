import type { KeyValueStore, KvEntry, Unsubscribe } from '@meshway/discovery';
import type { ConfigText } from './config.source.js';

/** Everything the gateway keeps in the registry's KV lives under this prefix. */
export const KV_PREFIX = 'meshway/gateway/';
/** A routes document (the routes file's format, YAML or JSON) shared by every gateway replica; the admin API writes it. */
export const KV_ROUTES_KEY = `${KV_PREFIX}routes`;

/**
 * Watches the gateway's KV prefix (one blocking query) and reports each new version of the routes document, so every
 * replica applies the same routes within a round trip of a write.
 */
export class KvConfigSource {
  private stop: Unsubscribe | undefined;
  private version: string | undefined;

  constructor(
    private readonly kv: KeyValueStore,
    private readonly onText: (text: ConfigText) => void,
    private readonly onEntries: (entries: readonly KvEntry[]) => void = () => undefined,
  ) {}

  start(): void {
    this.stop = this.kv.watch(KV_PREFIX, ({ entries }) => {
      this.onEntries(entries);
      const routes = entries.find((entry) => entry.key === KV_ROUTES_KEY);
      const version = routes === undefined ? 'absent' : routes.modifyIndex.toString();
      if (version === this.version) return;
      this.version = version;
      this.onText({ source: 'kv', origin: KV_ROUTES_KEY, version, text: routes?.value, format: 'yaml' });
    });
  }

  close(): void {
    this.stop?.();
  }
}
