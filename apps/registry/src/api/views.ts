import { formatGoDuration } from '../model/go-duration.js';
import type { CheckRecord, KvRecord, NodeRecord, ServiceRecord, SessionRecord } from '../model/records.js';

/**
 * Consul's JSON shapes, built from records. Field sets follow Consul 1.x responses closely enough for
 * the consul npm client and Consul's Go API (unused enterprise/connect fields are left out).
 */

export function nodeView(node: NodeRecord): Record<string, unknown> {
  return {
    ID: node.ID,
    Node: node.Node,
    Address: node.Address,
    Datacenter: node.Datacenter,
    TaggedAddresses: { lan: node.Address, wan: node.Address, ...node.TaggedAddresses },
    Meta: node.Meta,
    CreateIndex: node.CreateIndex,
    ModifyIndex: node.ModifyIndex,
  };
}

/** A service as `/v1/agent/services` shows it. */
export function agentServiceView(service: ServiceRecord, datacenter: string): Record<string, unknown> {
  return {
    ID: service.ID,
    Service: service.Service,
    Tags: service.Tags,
    Meta: service.Meta,
    Port: service.Port,
    Address: service.Address,
    Weights: service.Weights,
    EnableTagOverride: service.EnableTagOverride,
    Datacenter: datacenter,
  };
}

/** A service inside a `/v1/health/service` entry. */
export function serviceView(service: ServiceRecord): Record<string, unknown> {
  return {
    ID: service.ID,
    Service: service.Service,
    Tags: service.Tags,
    Address: service.Address,
    Meta: service.Meta,
    Port: service.Port,
    Weights: service.Weights,
    EnableTagOverride: service.EnableTagOverride,
    CreateIndex: service.CreateIndex,
    ModifyIndex: service.ModifyIndex,
  };
}

/** One row of `/v1/catalog/service/:name`. */
export function catalogServiceView(node: NodeRecord | undefined, service: ServiceRecord): Record<string, unknown> {
  return {
    ID: node?.ID ?? '',
    Node: service.Node,
    Address: node?.Address ?? '',
    Datacenter: node?.Datacenter ?? '',
    TaggedAddresses: node ? nodeView(node)['TaggedAddresses'] : {},
    NodeMeta: node?.Meta ?? {},
    ServiceID: service.ID,
    ServiceName: service.Service,
    ServiceTags: service.Tags,
    ServiceAddress: service.Address,
    ServiceMeta: service.Meta,
    ServicePort: service.Port,
    ServiceWeights: service.Weights,
    ServiceEnableTagOverride: service.EnableTagOverride,
    CreateIndex: service.CreateIndex,
    ModifyIndex: service.ModifyIndex,
  };
}

export function checkView(check: CheckRecord): Record<string, unknown> {
  const d = check.Definition;
  const interval = d.IntervalMs === undefined ? '' : formatGoDuration(d.IntervalMs);
  const timeout = d.TimeoutMs === undefined ? '' : formatGoDuration(d.TimeoutMs);
  return {
    Node: check.Node,
    CheckID: check.CheckID,
    Name: check.Name,
    Status: check.Status,
    Notes: check.Notes,
    Output: check.Output,
    ServiceID: check.ServiceID,
    ServiceName: check.ServiceName,
    ServiceTags: check.ServiceTags,
    Type: check.Type,
    Interval: interval,
    Timeout: timeout,
    ExposedPort: 0,
    Definition: definitionView(check),
    CreateIndex: check.CreateIndex,
    ModifyIndex: check.ModifyIndex,
  };
}

function definitionView(check: CheckRecord): Record<string, unknown> {
  const d = check.Definition;
  const view: Record<string, unknown> = {};
  if (d.HTTP !== undefined) Object.assign(view, { HTTP: d.HTTP, Method: d.Method ?? '', Header: d.Header ?? null, Body: d.Body ?? '', TLSSkipVerify: d.TLSSkipVerify ?? false });
  if (d.TCP !== undefined) view['TCP'] = d.TCP;
  if (d.IntervalMs !== undefined) view['Interval'] = formatGoDuration(d.IntervalMs);
  if (d.TimeoutMs !== undefined) view['Timeout'] = formatGoDuration(d.TimeoutMs);
  if (d.TtlMs !== undefined) view['TTL'] = formatGoDuration(d.TtlMs);
  if (d.DeregisterCriticalServiceAfterMs !== undefined) view['DeregisterCriticalServiceAfter'] = formatGoDuration(d.DeregisterCriticalServiceAfterMs);
  return view;
}

export function kvView(entry: KvRecord): Record<string, unknown> {
  const view: Record<string, unknown> = {
    LockIndex: entry.LockIndex,
    Key: entry.Key,
    Flags: entry.Flags,
    Value: entry.Value,
    CreateIndex: entry.CreateIndex,
    ModifyIndex: entry.ModifyIndex,
  };
  if (entry.Session !== undefined) view['Session'] = entry.Session;
  return view;
}

export function sessionView(session: SessionRecord): Record<string, unknown> {
  return {
    ID: session.ID,
    Name: session.Name,
    Node: session.Node,
    LockDelay: Math.round(session.LockDelayMs * 1e6),
    Behavior: session.Behavior,
    TTL: session.TTL,
    NodeChecks: session.NodeChecks,
    ServiceChecks: session.ServiceChecks.length === 0 ? null : session.ServiceChecks,
    CreateIndex: session.CreateIndex,
    ModifyIndex: session.ModifyIndex,
  };
}

/** Sorts by node, then by id, for stable answers. */
export function byNodeThenId<T extends { Node: string }>(id: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => compare(a.Node, b.Node) || compare(id(a), id(b));
}

/** Byte-order comparison (Consul sorts by Go string order, not locale). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
