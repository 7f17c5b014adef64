import { open, type Database, type RootDatabase } from 'lmdb';
import type { z } from 'zod';
import { RegistryErrorCode } from '../registry.errors.js';
import type { RegistryLogger } from '../registry.logger.js';
import { checkSchema, indexSchema, kvSchema, nodeSchema, serviceSchema, sessionSchema } from './record.schemas.js';
import { TABLES, type DurableStore, type LoadedState, type StoreOp, type TableName } from './store.types.js';

/**
 * The registry's disk: one LMDB environment with a sub-database per table. Values are JSON we decode
 * ourselves, so a damaged value is skipped and logged instead of failing the whole load.
 *
 * Durability: `overlappingSync` is off, so LMDB fsyncs inside each commit and the promise of an async
 * `transaction` resolves only after that synced commit; transactions queued while a commit is in flight
 * are batched by lmdb-js into the next one (one fsync for many writes). `noSync` is never set.
 */
export class LmdbStore implements DurableStore {
  private constructor(
    private readonly root: RootDatabase,
    private readonly dbs: ReadonlyMap<TableName, Database<Buffer, string>>,
  ) {}

  /** Opens (creating if needed) the environment at `path`. Throws if LMDB cannot read it. */
  static open(path: string): LmdbStore {
    const root = open({ path, overlappingSync: false, noSync: false, maxDbs: 16 });
    const dbs = new Map(TABLES.map((table) => [table, root.openDB<Buffer, string>(table, { encoding: 'binary' })]));
    return new LmdbStore(root, dbs);
  }

  commit(ops: readonly StoreOp[]): Promise<void> {
    return this.root.transaction(() => {
      for (const op of ops) {
        const db = this.table(op.table);
        if (op.value === undefined) void db.remove(op.key);
        else void db.put(op.key, Buffer.from(JSON.stringify(op.value)));
      }
    });
  }

  /** Reads every table, skipping (and logging) records that do not decode or validate. */
  load(logger: RegistryLogger): LoadedState {
    const read = <T>(table: TableName, schema: z.ZodType<T>): [string, T][] => this.read(table, schema, logger);
    const meta = new Map(this.read('meta', indexSchema, logger));
    return {
      nodes: read('nodes', nodeSchema).map(([, v]) => v),
      services: read('services', serviceSchema).map(([, v]) => v),
      checks: read('checks', checkSchema).map(([, v]) => v),
      kv: read('kv', kvSchema).map(([, v]) => v),
      sessions: read('sessions', sessionSchema).map(([, v]) => v),
      indexes: new Map(read('indexes', indexSchema)),
      tombstones: new Map(read('tombstones', indexSchema)),
      lastIndex: meta.get('lastIndex') ?? 0,
    };
  }

  /** Copies a consistent snapshot of the environment into the directory `path`. */
  backup(path: string): Promise<void> {
    return this.root.backup(path, true);
  }

  async close(): Promise<void> {
    await this.root.close();
  }

  private table(name: TableName): Database<Buffer, string> {
    const db = this.dbs.get(name);
    if (!db) throw new Error(`unknown table ${name}`);
    return db;
  }

  private read<T>(table: TableName, schema: z.ZodType<T>, logger: RegistryLogger): [string, T][] {
    const rows: [string, T][] = [];
    for (const { key, value } of this.table(table).getRange()) {
      const parsed = decode(value, schema);
      if (parsed.ok) rows.push([key, parsed.value]);
      else logger.warn({ code: RegistryErrorCode.RecordCorrupt, table, key, reason: parsed.reason }, 'skipped a damaged record while loading');
    }
    return rows;
  }
}

function decode<T>(value: Buffer, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const result = schema.safeParse(json);
  return result.success ? { ok: true, value: result.data } : { ok: false, reason: result.error.issues.map((i) => i.message).join('; ') };
}
