/**
 * What the registry stores. Field names follow Consul's JSON (PascalCase) so records map to API
 * shapes with little copying; durations are kept in milliseconds and rendered as Go durations.
 */

export type CheckStatus = 'passing' | 'warning' | 'critical';
export const CHECK_STATUSES: readonly CheckStatus[] = ['passing', 'warning', 'critical'];

/** Raft-like bookkeeping every record carries. */
export interface Indexed {
  CreateIndex: number;
  ModifyIndex: number;
}

export interface NodeRecord extends Indexed {
  ID: string;
  Node: string;
  Address: string;
  Datacenter: string;
  TaggedAddresses: Record<string, string>;
  Meta: Record<string, string>;
}

export interface ServiceWeights {
  Passing: number;
  Warning: number;
}

export interface ServiceRecord extends Indexed {
  Node: string;
  ID: string;
  Service: string;
  Tags: string[];
  Address: string;
  Port: number;
  Meta: Record<string, string>;
  EnableTagOverride: boolean;
  Weights: ServiceWeights;
}

export type CheckType = 'ttl' | 'http' | 'tcp' | '';

/** How a check runs. Absent fields do not apply to the check's type. */
export interface CheckDefinition {
  HTTP?: string;
  Method?: string;
  Header?: Record<string, string[]>;
  Body?: string;
  TLSSkipVerify?: boolean;
  TCP?: string;
  IntervalMs?: number;
  TimeoutMs?: number;
  TtlMs?: number;
  DeregisterCriticalServiceAfterMs?: number;
}

export interface CheckRecord extends Indexed {
  Node: string;
  CheckID: string;
  Name: string;
  Status: CheckStatus;
  Notes: string;
  Output: string;
  ServiceID: string;
  ServiceName: string;
  ServiceTags: string[];
  Type: CheckType;
  Definition: CheckDefinition;
}

export interface KvRecord extends Indexed {
  Key: string;
  Flags: number;
  /** Base64, or null for an empty value (as Consul renders it). */
  Value: string | null;
  LockIndex: number;
  /** The session holding the lock, if any. */
  Session?: string;
}

export type SessionBehavior = 'release' | 'delete';

export interface SessionServiceCheck {
  ID: string;
  Namespace: string;
}

export interface SessionRecord extends Indexed {
  ID: string;
  Name: string;
  Node: string;
  LockDelayMs: number;
  Behavior: SessionBehavior;
  /** Go duration text ("30s"), or '' for no TTL. */
  TTL: string;
  NodeChecks: string[];
  ServiceChecks: SessionServiceCheck[];
}

/** The check every live node has; a service with no checks of its own is healthy through it. */
export const SERF_HEALTH_CHECK_ID = 'serfHealth';

/** Consul's prefix for a service's maintenance-mode check. */
export const SERVICE_MAINTENANCE_PREFIX = '_service_maintenance:';

/** The service every Consul server registers for itself; the registry lists itself the same way. */
export const CONSUL_SERVICE = 'consul';
/** Consul's server RPC port, which `status/leader` and the `consul` service name (nothing listens there). */
export const CONSUL_SERVER_PORT = 8300;

/** Consul's ID of the node-maintenance check. */
export const NODE_MAINTENANCE_CHECK_ID = '_node_maintenance';
