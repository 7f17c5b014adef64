import { CONSUL_SERVICE, type CheckRecord, type NodeRecord, type ServiceRecord } from '../model/records.js';
import type { Content } from '../model/record-content.js';
import { badRequest } from '../registry.errors.js';
import { deregisterCheck, deregisterNode, deregisterService, registerCheck } from '../state/catalog.ops.js';
import { nodeKey } from '../state/state.tables.js';
import type { WriteTx } from '../state/write.tx.js';
import type { ApiContext } from './api.context.js';
import type { FieldReader } from './json-body.js';
import { parseService, reservedConsulService, validateMeta } from './service.definition.js';

export interface CatalogRegistration {
  readonly node: Content<NodeRecord> | undefined;
  readonly nodeName: string;
  readonly service: Content<ServiceRecord> | undefined;
  readonly checks: Content<CheckRecord>[];
}

/** Reads a `PUT /v1/catalog/register` body. Catalog checks are data: they are stored, not run (as in Consul). */
export function parseCatalogRegistration(reader: FieldReader, ctx: ApiContext): CatalogRegistration {
  const nodeName = reader.string('Node') ?? '';
  if (nodeName === '') throw badRequest('Must provide node');
  requireLocalDatacenter(reader, ctx);
  const existing = ctx.state.tables.nodes.get(nodeName);
  // The registry's own node record is the agent's: Consul's anti-entropy would put its address and meta back.
  const skipNodeUpdate = ((reader.bool('SkipNodeUpdate') ?? false) || nodeName === ctx.node.name) && existing !== undefined;
  const address = reader.string('Address') ?? '';
  if (address === '' && !skipNodeUpdate) throw badRequest('Must provide address if SkipNodeUpdate is not set');
  const meta = reader.stringMap('NodeMeta') ?? {};
  validateMeta(meta, 'Node');
  const node = skipNodeUpdate
    ? undefined
    : {
        ID: reader.string('ID') ?? existing?.ID ?? '',
        Node: nodeName,
        Address: address,
        Datacenter: ctx.node.datacenter,
        TaggedAddresses: reader.stringMap('TaggedAddresses') ?? {},
        Meta: meta,
      };
  const serviceReader = reader.object('Service');
  const service = serviceReader ? parseService(serviceReader, nodeName, { name: 'Service', path: 'RegisterRequest.Service' }) : undefined;
  if (nodeName === ctx.node.name && service?.ID === CONSUL_SERVICE) throw reservedConsulService();
  const checkReaders = [...(reader.object('Check') ? [reader.object('Check') as FieldReader] : []), ...(reader.objects('Checks') ?? [])];
  const checks = checkReaders.map((c) => parseCatalogCheck(c, nodeName, service, ctx));
  return { node, nodeName, service, checks };
}

function parseCatalogCheck(reader: FieldReader, node: string, service: Content<ServiceRecord> | undefined, ctx: ApiContext): Content<CheckRecord> {
  const name = reader.string('Name') ?? '';
  const checkId = reader.string('CheckID') ?? name;
  if (checkId === '') throw badRequest('Must provide a CheckID or Name for each check');
  const serviceId = reader.string('ServiceID') ?? '';
  const owner = serviceId === '' ? undefined : service?.ID === serviceId ? service : ctx.state.tables.services.get(nodeKey(node, serviceId));
  if (serviceId !== '' && !owner) throw badRequest(`Unknown service ID "${serviceId}" for check "${checkId}"`);
  return {
    Node: node,
    CheckID: checkId,
    Name: name === '' ? checkId : name,
    Status: defaultStatus(reader.string('Status')),
    Notes: reader.string('Notes') ?? '',
    Output: reader.string('Output') ?? '',
    ServiceID: serviceId,
    ServiceName: owner?.Service ?? '',
    ServiceTags: owner ? [...owner.Tags] : [],
    Type: '',
    Definition: {},
  };
}

export function applyCatalogRegistration(tx: WriteTx, registration: CatalogRegistration, now: number): void {
  if (registration.node) tx.putNode(registration.node);
  if (registration.service) tx.putService(registration.service);
  for (const check of registration.checks) registerCheck(tx, { check, explicitStatus: true }, now);
}

export interface CatalogDeregistration {
  readonly node: string;
  readonly serviceId: string;
  readonly checkId: string;
}

export function parseCatalogDeregistration(reader: FieldReader, ctx: ApiContext): CatalogDeregistration {
  const node = reader.string('Node') ?? '';
  if (node === '') throw badRequest('Must provide node');
  requireLocalDatacenter(reader, ctx);
  const serviceId = reader.string('ServiceID') ?? '';
  const checkId = reader.string('CheckID') ?? '';
  if (node === ctx.node.name && serviceId === '' && checkId === '') {
    throw badRequest(`Cannot deregister node "${node}": it is the registry's own node`);
  }
  if (node === ctx.node.name && serviceId === CONSUL_SERVICE) throw reservedConsulService();
  return { node, serviceId, checkId };
}

export function applyCatalogDeregistration(tx: WriteTx, request: CatalogDeregistration, now: number): void {
  if (request.serviceId !== '') deregisterService(tx, request.node, request.serviceId, now);
  if (request.checkId !== '') deregisterCheck(tx, request.node, request.checkId, now);
  if (request.serviceId === '' && request.checkId === '') deregisterNode(tx, request.node, now);
}

function requireLocalDatacenter(reader: FieldReader, ctx: ApiContext): void {
  const dc = reader.string('Datacenter') ?? '';
  if (dc !== '' && dc !== ctx.node.datacenter) throw badRequest(`No path to datacenter "${dc}"`);
}

/** Consul defaults a catalog check without a status to critical. */
function defaultStatus(status: string | undefined): CheckRecord['Status'] {
  if (status === undefined || status === '') return 'critical';
  if (status === 'passing' || status === 'warning' || status === 'critical') return status;
  throw badRequest(`Invalid check status: '${status}'`);
}
