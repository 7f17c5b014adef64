import { CONSUL_SERVICE, type ServiceRecord } from '../model/records.js';
import type { Content } from '../model/record-content.js';
import type { CheckInput, ServiceRegistration } from '../state/catalog.ops.js';
import { badRequest, type ConsulHttpError } from '../registry.errors.js';
import { parseCheck } from './check.definition.js';
import { FieldReader } from './json-body.js';

const MAX_META_PAIRS = 64;
const MAX_META_KEY = 128;
const MAX_META_VALUE = 512;

/** The registry's own `consul` entry can be neither replaced nor removed. */
export function reservedConsulService(): ConsulHttpError {
  return badRequest(`Service ID "${CONSUL_SERVICE}" is reserved: it is the registry's own entry, as on a Consul server`);
}

/** Validates a `Meta` map with Consul's rules and messages. */
export function validateMeta(meta: Record<string, string>, what: 'Service' | 'Node'): void {
  const entries = Object.entries(meta);
  const fail = (why: string): never => {
    throw badRequest(`Invalid ${what} Meta: ${why}`);
  };
  if (entries.length > MAX_META_PAIRS) fail(`${what} metadata cannot contain more than ${MAX_META_PAIRS} key/value pairs`);
  for (const [key, value] of entries) {
    if (key === '') fail('Key cannot be blank');
    if (key.length > MAX_META_KEY) fail(`Key is too long (limit: ${MAX_META_KEY} characters)`);
    if (!/^[A-Za-z0-9_-]+$/.test(key)) fail(`Key contains invalid characters: ${JSON.stringify(key)}`);
    if (key.startsWith('consul-')) fail("Key prefix 'consul-' is reserved for internal use");
    if (value.length > MAX_META_VALUE) fail(`Value is too long (limit: ${MAX_META_VALUE} characters)`);
  }
}

/** Reads an `AgentServiceRegistration` body (`PUT /v1/agent/service/register`). */
export function parseServiceRegistration(reader: FieldReader, node: string, minIntervalMs: number, replaceExistingChecks: boolean): ServiceRegistration {
  const service = parseService(reader, node, { name: 'Name', path: 'ServiceDefinition' });
  const checkReaders = [...(reader.object('Check') ? [reader.object('Check') as FieldReader] : []), ...(reader.objects('Checks') ?? [])];
  const checks: CheckInput[] = [];
  const numbered = checkReaders.length > 1;
  checkReaders.forEach((checkReader, i) => {
    const input = parseCheck(checkReader, {
      node,
      serviceId: service.ID,
      serviceName: service.Service,
      serviceTags: service.Tags,
      defaultId: numbered ? `service:${service.ID}:${i + 1}` : `service:${service.ID}`,
      defaultName: `Service '${service.Service}' check`,
      minIntervalMs,
    });
    if (input) checks.push(input);
  });
  return { service, checks, replaceExistingChecks };
}

/**
 * Reads the service fields shared by the agent form (`Name`) and the catalog form (`Service`).
 * Connect and gateway kinds are refused: this registry has no service mesh.
 */
export function parseService(reader: FieldReader, node: string, form: { name: 'Name' | 'Service'; path: string }): Content<ServiceRecord> {
  const name = reader.string(form.name);
  if (name === undefined || name.trim() === '') throw badRequest(form.name === 'Name' ? 'Missing service name' : 'Must provide service name (Service.Service)');
  const kind = reader.string('Kind');
  if (kind !== undefined && kind !== '' && kind !== 'typical') throw badRequest(`Invalid service Kind ${JSON.stringify(kind)}: meshway-registry supports typical services only (no Connect proxies or gateways)`);
  const port = reader.int('Port') ?? 0;
  if (port < 0 || port > 65_535) throw badRequest(`Invalid Port ${port}: must be 0-65535`);
  const meta = reader.stringMap('Meta') ?? {};
  validateMeta(meta, 'Service');
  return {
    Node: node,
    ID: nonEmpty(reader.string('ID')) ?? name,
    Service: name,
    Tags: reader.strings('Tags') ?? [],
    Address: reader.string('Address') ?? '',
    Port: port,
    Meta: meta,
    EnableTagOverride: reader.bool('EnableTagOverride') ?? false,
    Weights: parseWeights(reader.object('Weights')),
  };
}

function parseWeights(reader: FieldReader | undefined): ServiceRecord['Weights'] {
  if (!reader) return { Passing: 1, Warning: 1 };
  const passing = reader.int('Passing') ?? 1;
  const warning = reader.int('Warning') ?? 1;
  if (passing < 1) throw badRequest('Passing must be greater than 0');
  if (warning < 0) throw badRequest('Warning must be greater or equal than 0');
  return { Passing: passing, Warning: warning };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}
