/** Where a piece of the gateway's configuration comes from, in precedence order (earlier wins on the same route). */
export const CONFIG_SOURCES = ['kv', 'file', 'inline'] as const;
export type ConfigSourceName = (typeof CONFIG_SOURCES)[number];

/** One version of one source's text, as read. */
export interface ConfigText {
  readonly source: ConfigSourceName;
  /** The file path, or the KV key. */
  readonly origin: string;
  /** Short content hash (file, inline) or the KV entry's modify index: changes whenever the text does. */
  readonly version: string;
  /** The document; undefined when the source holds none (no KV entry yet, the file was deleted). */
  readonly text: string | undefined;
  readonly format: 'yaml' | 'json';
}
