import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { EventsLogger } from './events.logger.js';

/** For specs: the machine's nats-server with JetStream (`nats-server -js`), or `NATS_URL`. */
export const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

/** Names unique per run, so parallel runs and leftovers never meet: `EVT_ORDERS_1a2b3c4d`, `evt-1a2b3c4d`. */
export function uniqueId(): string {
  return randomUUID().slice(0, 8);
}

/** A line a {@link RecordingLogger} received. */
export interface LogLine {
  readonly level: 'info' | 'warn' | 'error' | 'debug';
  readonly obj: Record<string, unknown>;
  readonly msg: string;
}

/** An `EventsLogger` that keeps every line, for asserting on what was said. */
export class RecordingLogger implements EventsLogger {
  readonly lines: LogLine[] = [];

  info(obj: Record<string, unknown>, msg: string): void {
    this.lines.push({ level: 'info', obj, msg });
  }

  warn(obj: Record<string, unknown>, msg: string): void {
    this.lines.push({ level: 'warn', obj, msg });
  }

  error(obj: Record<string, unknown>, msg: string): void {
    this.lines.push({ level: 'error', obj, msg });
  }

  debug(obj: Record<string, unknown>, msg: string): void {
    this.lines.push({ level: 'debug', obj, msg });
  }

  at(level: LogLine['level']): LogLine[] {
    return this.lines.filter((line) => line.level === level);
  }
}

/** A spec's own connection, and the streams it made, deleted at the end. */
export class StreamsUnderTest {
  private readonly names = new Set<string>();

  private constructor(readonly nc: NatsConnection) {}

  static async connect(): Promise<StreamsUnderTest> {
    return new StreamsUnderTest(await connect({ servers: [NATS_URL], name: 'events-spec' }));
  }

  /** A unique stream name, remembered for {@link cleanUp}. */
  name(prefix: string): string {
    const name = `EVT_${prefix}_${uniqueId()}`;
    this.names.add(name);
    return name;
  }

  async cleanUp(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await Promise.all([...this.names].map((name) => jsm.streams.delete(name).catch(() => false)));
    await this.nc.close();
  }
}
