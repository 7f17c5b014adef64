import type { CheckRecord, KvRecord, NodeRecord, ServiceRecord, SessionRecord } from '../model/records.js';

/** Key of a per-node record (service or check). */
export const nodeKey = (node: string, id: string): string => `${node}\u0000${id}`;

/** A secondary index: group → keys of the records in it. */
class MultiIndex {
  private readonly groups = new Map<string, Set<string>>();

  add(group: string, key: string): void {
    let set = this.groups.get(group);
    if (!set) this.groups.set(group, (set = new Set()));
    set.add(key);
  }

  remove(group: string, key: string): void {
    const set = this.groups.get(group);
    set?.delete(key);
    if (set?.size === 0) this.groups.delete(group);
  }

  keys(group: string): readonly string[] {
    const set = this.groups.get(group);
    return set ? [...set] : [];
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }
}

/**
 * The in-memory tables every read is served from, with the secondary indexes reads need
 * (services by name and node, checks by node and by owning service).
 */
export class StateTables {
  readonly nodes = new Map<string, NodeRecord>();
  readonly kv = new Map<string, KvRecord>();
  readonly sessions = new Map<string, SessionRecord>();
  /** Index of the delete of each KV key, so a query on a deleted key or prefix still sees its index move. */
  readonly tombstones = new Map<string, number>();
  /** KV key → time (ms) before which no session may acquire it: Consul's lock-delay. Memory only, as in Consul. */
  readonly lockDelays = new Map<string, number>();
  private readonly serviceRows = new Map<string, ServiceRecord>();
  private readonly checkRows = new Map<string, CheckRecord>();
  private readonly servicesByName = new MultiIndex();
  private readonly servicesByNode = new MultiIndex();
  private readonly checksByNode = new MultiIndex();
  private readonly checksByService = new MultiIndex();

  get services(): ReadonlyMap<string, ServiceRecord> {
    return this.serviceRows;
  }

  get checks(): ReadonlyMap<string, CheckRecord> {
    return this.checkRows;
  }

  setService(record: ServiceRecord): void {
    const key = nodeKey(record.Node, record.ID);
    this.deleteService(record.Node, record.ID);
    this.serviceRows.set(key, record);
    this.servicesByName.add(record.Service, key);
    this.servicesByNode.add(record.Node, key);
  }

  deleteService(node: string, id: string): void {
    const key = nodeKey(node, id);
    const previous = this.serviceRows.get(key);
    if (!previous) return;
    this.serviceRows.delete(key);
    this.servicesByName.remove(previous.Service, key);
    this.servicesByNode.remove(previous.Node, key);
  }

  setCheck(record: CheckRecord): void {
    const key = nodeKey(record.Node, record.CheckID);
    this.deleteCheck(record.Node, record.CheckID);
    this.checkRows.set(key, record);
    this.checksByNode.add(record.Node, key);
    this.checksByService.add(nodeKey(record.Node, record.ServiceID), key);
  }

  deleteCheck(node: string, checkId: string): void {
    const key = nodeKey(node, checkId);
    const previous = this.checkRows.get(key);
    if (!previous) return;
    this.checkRows.delete(key);
    this.checksByNode.remove(previous.Node, key);
    this.checksByService.remove(nodeKey(previous.Node, previous.ServiceID), key);
  }

  /** Instances of service `name`. */
  instancesOf(name: string): ServiceRecord[] {
    return rows(this.serviceRows, this.servicesByName.keys(name));
  }

  serviceNames(): string[] {
    return this.servicesByName.groupNames();
  }

  servicesOnNode(node: string): ServiceRecord[] {
    return rows(this.serviceRows, this.servicesByNode.keys(node));
  }

  checksOnNode(node: string): CheckRecord[] {
    return rows(this.checkRows, this.checksByNode.keys(node));
  }

  /** Checks of one service instance; `serviceId` '' gives the node-level checks. */
  checksOfService(node: string, serviceId: string): CheckRecord[] {
    return rows(this.checkRows, this.checksByService.keys(nodeKey(node, serviceId)));
  }
}

function rows<T>(table: ReadonlyMap<string, T>, keys: readonly string[]): T[] {
  const out: T[] = [];
  for (const key of keys) {
    const row = table.get(key);
    if (row !== undefined) out.push(row);
  }
  return out;
}
