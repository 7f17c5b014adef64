import { z } from 'zod';

/**
 * Shapes of stored records, checked on load: a record that fails is skipped and logged, so one
 * damaged value never keeps the registry from starting.
 */
const indexed = { CreateIndex: z.number().int().nonnegative(), ModifyIndex: z.number().int().nonnegative() };
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/**
 * Maps are checked, not rebuilt: z.record drops an own `__proto__` key, which is a valid Consul meta
 * key (letters and underscores), so an acknowledged registration would come back without it.
 */
const stringMap = z.custom<Record<string, string>>((value) => isObject(value) && Object.values(value).every((v) => typeof v === 'string'), 'expected an object of strings');
const headerMap = z.custom<Record<string, string[]>>(
  (value) => isObject(value) && Object.values(value).every((v) => Array.isArray(v) && v.every((item) => typeof item === 'string')),
  'expected an object of string arrays',
);
const status = z.enum(['passing', 'warning', 'critical']);

export const nodeSchema = z.object({
  ...indexed,
  ID: z.string(),
  Node: z.string().min(1),
  Address: z.string(),
  Datacenter: z.string(),
  TaggedAddresses: stringMap,
  Meta: stringMap,
});

export const serviceSchema = z.object({
  ...indexed,
  Node: z.string().min(1),
  ID: z.string().min(1),
  Service: z.string().min(1),
  Tags: z.array(z.string()),
  Address: z.string(),
  Port: z.number().int(),
  Meta: stringMap,
  EnableTagOverride: z.boolean(),
  Weights: z.object({ Passing: z.number().int(), Warning: z.number().int() }),
});

const definitionSchema = z.object({
  HTTP: z.string().optional(),
  Method: z.string().optional(),
  Header: headerMap.optional(),
  Body: z.string().optional(),
  TLSSkipVerify: z.boolean().optional(),
  TCP: z.string().optional(),
  IntervalMs: z.number().optional(),
  TimeoutMs: z.number().optional(),
  TtlMs: z.number().optional(),
  DeregisterCriticalServiceAfterMs: z.number().optional(),
});

export const checkSchema = z.object({
  ...indexed,
  Node: z.string().min(1),
  CheckID: z.string().min(1),
  Name: z.string(),
  Status: status,
  Notes: z.string(),
  Output: z.string(),
  ServiceID: z.string(),
  ServiceName: z.string(),
  ServiceTags: z.array(z.string()),
  Type: z.enum(['ttl', 'http', 'tcp', '']),
  Definition: definitionSchema,
});

export const kvSchema = z.object({
  ...indexed,
  Key: z.string().min(1),
  Flags: z.number().int().nonnegative(),
  Value: z.string().nullable(),
  LockIndex: z.number().int().nonnegative(),
  Session: z.string().optional(),
});

export const sessionSchema = z.object({
  ...indexed,
  ID: z.string().min(1),
  Name: z.string(),
  Node: z.string().min(1),
  LockDelayMs: z.number().nonnegative(),
  Behavior: z.enum(['release', 'delete']),
  TTL: z.string(),
  NodeChecks: z.array(z.string()),
  ServiceChecks: z.array(z.object({ ID: z.string(), Namespace: z.string() })),
});

export const indexSchema = z.number().int().nonnegative();
