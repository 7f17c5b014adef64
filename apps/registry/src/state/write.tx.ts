import { sameContent } from '../model/deep-equal.js';
import { badRequest } from '../registry.errors.js';
import type { Content } from '../model/record-content.js';
import type { CheckRecord, KvRecord, NodeRecord, ServiceRecord, SessionRecord } from '../model/records.js';
import type { RecordChange } from './record-change.js';
import type { StoreOp } from '../store/store.types.js';
import { Topic } from './change.feed.js';
import { nodeKey, type StateTables } from './state.tables.js';

/**
 * A write in progress. Every put/delete applies to memory at once (so later steps of the same write
 * see it), records the disk op, the topics touched and an undo step. A put whose content equals the
 * stored record is a no-op: a write that changes nothing leaves every index where it was.
 */
export class WriteTx {
  readonly ops: StoreOp[] = [];
  readonly topics = new Set<string>();
  readonly kvKeys: string[] = [];
  readonly changes: RecordChange[] = [];
  private readonly undo: (() => void)[] = [];

  constructor(
    readonly tables: StateTables,
    readonly index: number,
  ) {}

  get changed(): boolean {
    return this.ops.length > 0;
  }

  putNode(content: Content<NodeRecord>): boolean {
    // NUL separates node and ID in per-node keys: a node name holding one could alias another node's records.
    if (content.Node.includes('\u0000')) throw badRequest('Invalid node name: it contains a NUL character');
    const before = this.tables.nodes.get(content.Node);
    if (before && sameContent(before, content)) return false;
    const after = this.stamp(content, before);
    this.tables.nodes.set(after.Node, after);
    this.undo.push(() => {
      if (before) this.tables.nodes.set(before.Node, before);
      else this.tables.nodes.delete(after.Node);
    });
    this.record('nodes', after.Node, after, { kind: 'node', before, after });
    this.touchNode(after.Node);
    return true;
  }

  deleteNode(name: string): void {
    const before = this.tables.nodes.get(name);
    if (!before) return;
    this.touchNode(name);
    this.tables.nodes.delete(name);
    this.undo.push(() => this.tables.nodes.set(name, before));
    this.record('nodes', name, undefined, { kind: 'node', before });
  }

  putService(content: Content<ServiceRecord>): boolean {
    const key = nodeKey(content.Node, content.ID);
    const before = this.tables.services.get(key);
    if (before && sameContent(before, content)) return false;
    const after = this.stamp(content, before);
    this.tables.setService(after);
    this.undo.push(() => {
      this.tables.deleteService(after.Node, after.ID);
      if (before) this.tables.setService(before);
    });
    this.record('services', key, after, { kind: 'service', before, after });
    this.touchService(after, before);
    return true;
  }

  deleteService(node: string, id: string): void {
    const key = nodeKey(node, id);
    const before = this.tables.services.get(key);
    if (!before) return;
    this.tables.deleteService(node, id);
    this.undo.push(() => {
      this.tables.setService(before);
    });
    this.record('services', key, undefined, { kind: 'service', before });
    this.touchService(before);
  }

  putCheck(content: Content<CheckRecord>): CheckRecord {
    const key = nodeKey(content.Node, content.CheckID);
    const before = this.tables.checks.get(key);
    if (before && sameContent(before, content)) return before;
    const after = this.stamp(content, before);
    this.tables.setCheck(after);
    this.undo.push(() => {
      this.tables.deleteCheck(after.Node, after.CheckID);
      if (before) this.tables.setCheck(before);
    });
    this.record('checks', key, after, { kind: 'check', before, after });
    this.touchCheck(after, before);
    return after;
  }

  deleteCheck(node: string, checkId: string): void {
    const key = nodeKey(node, checkId);
    const before = this.tables.checks.get(key);
    if (!before) return;
    this.tables.deleteCheck(node, checkId);
    this.undo.push(() => {
      this.tables.setCheck(before);
    });
    this.record('checks', key, undefined, { kind: 'check', before });
    this.touchCheck(before);
  }

  putKv(content: Content<KvRecord>): boolean {
    const before = this.tables.kv.get(content.Key);
    if (before && sameContent(before, content)) return false;
    const after = this.stamp(content, before);
    const tombstone = this.tables.tombstones.get(after.Key);
    this.tables.kv.set(after.Key, after);
    this.tables.tombstones.delete(after.Key);
    this.undo.push(() => {
      if (before) this.tables.kv.set(before.Key, before);
      else this.tables.kv.delete(after.Key);
      if (tombstone !== undefined) this.tables.tombstones.set(after.Key, tombstone);
    });
    this.record('kv', after.Key, after, { kind: 'kv', before, after });
    if (tombstone !== undefined) this.ops.push({ table: 'tombstones', key: after.Key, value: undefined });
    this.touchKv(after.Key);
    return true;
  }

  deleteKv(key: string): void {
    const before = this.tables.kv.get(key);
    if (!before) return;
    this.tables.kv.delete(key);
    this.tables.tombstones.set(key, this.index);
    this.undo.push(() => {
      this.tables.kv.set(key, before);
      this.tables.tombstones.delete(key);
    });
    this.record('kv', key, undefined, { kind: 'kv', before });
    this.ops.push({ table: 'tombstones', key, value: this.index });
    this.touchKv(key);
  }

  putSession(content: Content<SessionRecord>): SessionRecord {
    const before = this.tables.sessions.get(content.ID);
    const after = this.stamp(content, before);
    this.tables.sessions.set(after.ID, after);
    this.undo.push(() => {
      if (before) this.tables.sessions.set(before.ID, before);
      else this.tables.sessions.delete(after.ID);
    });
    this.record('sessions', after.ID, after, { kind: 'session', before, after });
    this.topics.add(Topic.sessions);
    return after;
  }

  deleteSession(id: string): void {
    const before = this.tables.sessions.get(id);
    if (!before) return;
    this.tables.sessions.delete(id);
    this.undo.push(() => {
      this.tables.sessions.set(id, before);
    });
    this.record('sessions', id, undefined, { kind: 'session', before });
    this.topics.add(Topic.sessions);
  }

  /** Reverts every change made so far (a write that failed half-way leaves no trace). */
  rollback(): void {
    for (const step of this.undo.reverse()) step();
  }

  private stamp<T extends object>(content: T, before: { CreateIndex: number } | undefined): T & { CreateIndex: number; ModifyIndex: number } {
    return { ...content, CreateIndex: before?.CreateIndex ?? this.index, ModifyIndex: this.index };
  }

  private record(table: StoreOp['table'], key: string, value: unknown, change: RecordChange): void {
    this.ops.push({ table, key, value });
    this.changes.push(change);
  }

  private touchNode(node: string): void {
    this.topics.add(Topic.nodes).add(Topic.node(node));
    for (const service of this.tables.servicesOnNode(node)) this.topics.add(Topic.service(service.Service));
  }

  private touchService(service: ServiceRecord, before?: ServiceRecord): void {
    this.topics.add(Topic.services).add(Topic.node(service.Node)).add(Topic.service(service.Service));
    if (before) this.topics.add(Topic.service(before.Service));
  }

  private touchCheck(check: CheckRecord, before?: CheckRecord): void {
    this.topics.add(Topic.checks).add(Topic.node(check.Node));
    if (check.ServiceName !== '') this.topics.add(Topic.service(check.ServiceName));
    else for (const service of this.tables.servicesOnNode(check.Node)) this.topics.add(Topic.service(service.Service));
    if (before && before.ServiceName !== '') this.topics.add(Topic.service(before.ServiceName));
  }

  private touchKv(key: string): void {
    this.topics.add(Topic.kv);
    this.kvKeys.push(key);
  }
}
