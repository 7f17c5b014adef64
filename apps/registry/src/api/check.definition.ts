import { CHECK_STATUSES, type CheckDefinition, type CheckStatus, type CheckType } from '../model/records.js';
import type { CheckInput } from '../state/catalog.ops.js';
import { badRequest } from '../registry.errors.js';
import type { FieldReader } from './json-body.js';

/** Where a check belongs and how its defaults are named. */
export interface CheckContext {
  readonly node: string;
  readonly serviceId: string;
  readonly serviceName: string;
  readonly serviceTags: readonly string[];
  readonly defaultId: string;
  readonly defaultName: string;
  /** HTTP/TCP intervals below this are raised to it. */
  readonly minIntervalMs: number;
}

/** Check kinds Consul has that this registry does not run: a clear 400 beats a check that never runs. */
const UNSUPPORTED = ['Args', 'ScriptArgs', 'Script', 'GRPC', 'H2PING', 'UDP', 'DockerContainerID', 'AliasNode', 'AliasService', 'OSService'];
const DEFAULT_TIMEOUT_MS = 10_000;
const invalid = (why: string): Error => badRequest(`Invalid check: ${why}`);

/** Reads one check definition (agent or service form). An entirely empty object is skipped, as Consul does. */
export function parseCheck(reader: FieldReader, ctx: CheckContext): CheckInput | undefined {
  if (reader.isEmpty()) return undefined;
  const unsupported = UNSUPPORTED.find((field) => reader.has(field));
  if (unsupported !== undefined) throw invalid(`${unsupported} checks are not supported by meshway-registry; use TTL, HTTP or TCP`);
  const { type, definition } = parseDefinition(reader, ctx.minIntervalMs);
  const statusText = reader.string('Status');
  if (statusText !== undefined && statusText !== '' && !CHECK_STATUSES.includes(statusText as CheckStatus)) {
    throw invalid(`Status must be one of passing, warning, critical (got ${JSON.stringify(statusText)})`);
  }
  const explicitStatus = statusText !== undefined && statusText !== '';
  return {
    explicitStatus,
    check: {
      Node: ctx.node,
      CheckID: reader.string('CheckID') ?? reader.string('ID') ?? ctx.defaultId,
      Name: nonEmpty(reader.string('Name')) ?? ctx.defaultName,
      Status: explicitStatus ? (statusText as CheckStatus) : 'critical',
      Notes: reader.string('Notes') ?? '',
      Output: '',
      ServiceID: ctx.serviceId,
      ServiceName: ctx.serviceName,
      ServiceTags: [...ctx.serviceTags],
      Type: type,
      Definition: definition,
    },
  };
}

function parseDefinition(reader: FieldReader, minIntervalMs: number): { type: CheckType; definition: CheckDefinition } {
  const http = nonEmpty(reader.string('HTTP'));
  const tcp = nonEmpty(reader.string('TCP'));
  const ttl = reader.duration('TTL');
  const kinds = [http, tcp, ttl].filter((k) => k !== undefined).length;
  if (kinds > 1) throw invalid('only one of TTL, HTTP or TCP may be set');
  const common: CheckDefinition = optional('DeregisterCriticalServiceAfterMs', reader.duration('DeregisterCriticalServiceAfter'));
  if (ttl !== undefined) {
    if (ttl <= 0) throw invalid('TTL must be > 0 for TTL checks');
    return { type: 'ttl', definition: { ...common, TtlMs: ttl } };
  }
  if (http === undefined && tcp === undefined) throw invalid('one of TTL, HTTP (with Interval) or TCP (with Interval) is required');
  const interval = reader.duration('Interval');
  if (interval === undefined || interval <= 0) throw invalid('Interval must be > 0 for HTTP or TCP checks');
  const timing = { IntervalMs: Math.max(interval, minIntervalMs), TimeoutMs: positiveOr(reader.duration('Timeout'), DEFAULT_TIMEOUT_MS) };
  if (tcp !== undefined) {
    if (!/^.+:\d{1,5}$/.test(tcp)) throw invalid(`TCP must be host:port (got ${JSON.stringify(tcp)})`);
    return { type: 'tcp', definition: { ...common, TCP: tcp, ...timing } };
  }
  return { type: 'http', definition: { ...common, ...parseHttp(reader, http ?? ''), ...timing } };
}

function parseHttp(reader: FieldReader, url: string): CheckDefinition {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`HTTP must be an http:// or https:// URL (got ${JSON.stringify(url)})`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalid(`HTTP must be an http:// or https:// URL (got ${JSON.stringify(url)})`);
  const method = reader.string('Method');
  if (method !== undefined && method !== '' && !/^[A-Za-z]+$/.test(method)) throw invalid(`Method ${JSON.stringify(method)} is not an HTTP method`);
  const header = reader.object('Header');
  // Built with fromEntries: a header named "__proto__" stays a key rather than replacing the prototype.
  const headers: Record<string, string[]> = Object.fromEntries(header ? Object.keys(headerKeys(reader)).map((name) => [name, header.strings(name) ?? []]) : []);
  return {
    HTTP: url,
    ...optional('Method', method === '' ? undefined : method?.toUpperCase()),
    ...(Object.keys(headers).length > 0 ? { Header: headers } : {}),
    ...optional('Body', reader.string('Body')),
    ...optional('TLSSkipVerify', reader.bool('TLSSkipVerify')),
  };
}

function headerKeys(reader: FieldReader): Record<string, unknown> {
  const raw = reader.raw('Header');
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {};
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

function positiveOr(value: number | undefined, fallback: number): number {
  return value === undefined || value <= 0 ? fallback : value;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
