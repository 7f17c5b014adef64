import type { CheckRecord, CheckStatus, ServiceRecord } from '../model/records.js';
import { NODE_MAINTENANCE_CHECK_ID, SERVICE_MAINTENANCE_PREFIX } from '../model/records.js';
import { content, type Content } from '../model/record-content.js';
import { nodeKey } from './state.tables.js';
import { destroySession } from './session.ops.js';
import type { WriteTx } from './write.tx.js';

/** A check to register; without an explicit status, an existing check of the same ID keeps its status. */
export interface CheckInput {
  readonly check: Content<CheckRecord>;
  readonly explicitStatus: boolean;
}

export interface ServiceRegistration {
  readonly service: Content<ServiceRecord>;
  readonly checks: readonly CheckInput[];
  /** Drop the service's checks that this registration does not name (`?replace-existing-checks`). */
  readonly replaceExistingChecks: boolean;
}

/** Registers (or replaces) a service instance and its checks. */
export function registerService(tx: WriteTx, registration: ServiceRegistration, now: number): void {
  const { service } = registration;
  tx.putService(service);
  const named = new Set(registration.checks.map((input) => input.check.CheckID));
  for (const existing of tx.tables.checksOfService(service.Node, service.ID)) {
    const isMaintenance = existing.CheckID.startsWith(SERVICE_MAINTENANCE_PREFIX);
    if (named.has(existing.CheckID)) continue;
    if (registration.replaceExistingChecks && !isMaintenance) deregisterCheck(tx, existing.Node, existing.CheckID, now);
    else writeCheck(tx, { ...content(existing), ServiceName: service.Service, ServiceTags: [...service.Tags] }, now);
  }
  for (const input of registration.checks) registerCheck(tx, input, now);
}

/** Removes a service instance, its checks, and the sessions that depended on those checks. */
export function deregisterService(tx: WriteTx, node: string, serviceId: string, now: number): void {
  for (const check of tx.tables.checksOfService(node, serviceId)) deregisterCheck(tx, node, check.CheckID, now);
  tx.deleteService(node, serviceId);
}

export function registerCheck(tx: WriteTx, input: CheckInput, now: number): void {
  const existing = tx.tables.checks.get(nodeKey(input.check.Node, input.check.CheckID));
  const keep = existing && !input.explicitStatus ? { Status: existing.Status, Output: existing.Output } : {};
  writeCheck(tx, { ...input.check, ...keep }, now);
}

export function deregisterCheck(tx: WriteTx, node: string, checkId: string, now: number): void {
  if (!tx.tables.checks.has(nodeKey(node, checkId))) return;
  tx.deleteCheck(node, checkId);
  invalidateSessionsOf(tx, node, checkId, now);
}

/** Sets a check's status and output (a no-op when both are unchanged). */
export function updateCheck(tx: WriteTx, check: CheckRecord, status: CheckStatus, output: string, now: number): void {
  writeCheck(tx, { ...content(check), Status: status, Output: output }, now);
}

/**
 * Puts a service into (or out of) maintenance: a critical check that keeps it out of `?passing`. As in
 * Consul, enabling it again while on changes nothing (the first reason stays).
 */
export function setServiceMaintenance(tx: WriteTx, service: ServiceRecord, enable: boolean, reason: string, now: number): void {
  const checkId = `${SERVICE_MAINTENANCE_PREFIX}${service.ID}`;
  if (!enable) deregisterCheck(tx, service.Node, checkId, now);
  else if (!tx.tables.checks.has(nodeKey(service.Node, checkId))) writeCheck(tx, maintenanceCheck(service.Node, checkId, reason || DEFAULT_SERVICE_MAINTENANCE_REASON, service), now);
}

/**
 * Puts a whole node into (or out of) maintenance: a critical node-level check, which every service on
 * the node carries, so none of them is `?passing` and their blocking queries wake.
 */
export function setNodeMaintenance(tx: WriteTx, node: string, enable: boolean, reason: string, now: number): void {
  if (!enable) deregisterCheck(tx, node, NODE_MAINTENANCE_CHECK_ID, now);
  else if (!tx.tables.checks.has(nodeKey(node, NODE_MAINTENANCE_CHECK_ID))) writeCheck(tx, maintenanceCheck(node, NODE_MAINTENANCE_CHECK_ID, reason || DEFAULT_NODE_MAINTENANCE_REASON), now);
}

/** Removes a node with everything on it (services, checks, sessions). */
export function deregisterNode(tx: WriteTx, node: string, now: number): void {
  for (const service of tx.tables.servicesOnNode(node)) deregisterService(tx, node, service.ID, now);
  for (const check of tx.tables.checksOnNode(node)) deregisterCheck(tx, node, check.CheckID, now);
  for (const session of [...tx.tables.sessions.values()]) if (session.Node === node) destroySession(tx, session.ID, now);
  tx.deleteNode(node);
}

function writeCheck(tx: WriteTx, check: Content<CheckRecord>, now: number): void {
  const written = tx.putCheck(check);
  if (written.Status === 'critical') invalidateSessionsOf(tx, written.Node, written.CheckID, now);
}

/** Consul invalidates a session as soon as one of its checks is critical or gone. */
function invalidateSessionsOf(tx: WriteTx, node: string, checkId: string, now: number): void {
  for (const session of [...tx.tables.sessions.values()]) {
    if (session.Node !== node) continue;
    if (session.NodeChecks.includes(checkId) || session.ServiceChecks.some((c) => c.ID === checkId)) destroySession(tx, session.ID, now);
  }
}

const DEFAULT_SERVICE_MAINTENANCE_REASON = 'Maintenance mode is enabled for this service, but no reason was provided. This is a default message.';
const DEFAULT_NODE_MAINTENANCE_REASON = 'Maintenance mode is enabled for this node, but no reason was provided. This is a default message.';

/** Consul's maintenance check: critical, of no type (nothing runs it), on the service or on the node. */
function maintenanceCheck(node: string, checkId: string, notes: string, service?: ServiceRecord): Content<CheckRecord> {
  return {
    Node: node,
    CheckID: checkId,
    Name: service ? 'Service Maintenance Mode' : 'Node Maintenance Mode',
    Status: 'critical',
    Notes: notes,
    Output: '',
    ServiceID: service?.ID ?? '',
    ServiceName: service?.Service ?? '',
    ServiceTags: service ? [...service.Tags] : [],
    Type: '',
    Definition: {},
  };
}
