import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { validRange } from 'semver';
import { z } from 'zod';
import { authConfigSchema, authModeSchema, scopesSchema, type AuthConfig } from '@meshway/auth';
import { rateLimitSchema } from '@meshway/rate-limit';
import { ResilienceError, resolvePolicies, type ResilienceConfig } from '@meshway/resilience';
import { BALANCER_NAMES } from '@meshway/balancing';
import { encodeRoutes, HTTP_METHODS } from '@meshway/discovery';
import { GatewayConfigError } from '../gateway.errors.js';
import { parseWith, show } from '../live-config/zod-issues.js';
import { HASH_ON_FORMAT, parseHashOn } from './hash-key.js';
import { applySettings, type RouteDefaults, type RouteSettings, type RouteSpec } from './route.definition.js';

const positiveInt = z.custom<number>((v) => Number.isInteger(v) && (v as number) > 0, {
  error: (issue) => `expected a positive integer, got ${show(issue.input)}`,
});

const pathPrefix = z.string().regex(/^\/[^\s?#]*$/, { error: (issue) => `expected a path starting with "/", got ${show(issue.input)}` });

/** The resilience pieces a route (or the defaults) may set; `@meshway/resilience` validates them (see `checkResilience`). */
const RESILIENCE_FIELDS = ['retries', 'budget', 'breaker', 'bulkhead', 'outlier'] as const;
const resilienceFields = Object.fromEntries(RESILIENCE_FIELDS.map((field) => [field, z.unknown().optional()])) as Record<(typeof RESILIENCE_FIELDS)[number], z.ZodOptional<z.ZodUnknown>>;

/** The resilience fields of a route or defaults block (only those written). */
function resilienceOf(fields: Partial<Record<(typeof RESILIENCE_FIELDS)[number], unknown>>): ResilienceConfig {
  const picked: Record<string, unknown> = {};
  for (const key of RESILIENCE_FIELDS) if (fields[key] !== undefined) picked[key] = fields[key];
  return picked;
}

/** Validates a block's resilience fields with the lib's own rules, reporting each problem at its field (`retries.maxAttempts`). */
function checkResilience(block: Partial<Record<(typeof RESILIENCE_FIELDS)[number], unknown>>, ctx: z.core.$RefinementCtx): void {
  try {
    resolvePolicies(resilienceOf(block), {});
  } catch (error) {
    if (!(error instanceof ResilienceError) || error.invalid === undefined) throw error;
    ctx.addIssue({ code: 'custom', path: error.invalid.option.split('.'), message: error.invalid.problem });
  }
}

/** Who may call a route and how often: the edge-security fields of a route, a defaults block or a service's settings. */
const securityFields = { auth: authModeSchema.optional(), scopes: scopesSchema.optional(), rateLimit: rateLimitSchema.optional() };

/** Everything a route may leave to defaults: what a `defaults` block and a `services.<name>` block set. */
const settingsSchema = z
  .object({ balancer: z.enum(BALANCER_NAMES).optional(), timeoutMs: positiveInt.optional(), bodyLimitBytes: positiveInt.optional(), ...resilienceFields, ...securityFields })
  .strict()
  .superRefine(checkResilience);

type SettingsBlock = z.infer<typeof settingsSchema>;

/** The settings a block wrote (fields left out stay out, so they fall through to the next layer). */
function settingsOf(block: SettingsBlock | undefined): RouteSettings | undefined {
  if (block === undefined) return undefined;
  const resilience = resilienceOf(block);
  return {
    ...(block.balancer === undefined ? {} : { balancer: block.balancer }),
    ...(block.timeoutMs === undefined ? {} : { timeoutMs: block.timeoutMs }),
    ...(block.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: block.bodyLimitBytes }),
    ...(Object.keys(resilience).length === 0 ? {} : { resilience }),
    ...(block.auth === undefined ? {} : { auth: block.auth }),
    ...(block.scopes === undefined ? {} : { scopes: block.scopes }),
    ...(block.rateLimit === undefined ? {} : { rateLimit: block.rateLimit }),
  };
}

const serviceName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, { error: (issue) => `expected a service name, got ${show(issue.input)}` });

const corsSchema = z
  .object({
    origins: z.array(z.string().regex(/^(?:\*|https?:\/\/[^\s/]+)$/, { error: (issue) => `expected "*" or an origin like "https://app.example.com", got ${show(issue.input)}` })).min(1),
    methods: z.array(z.enum(HTTP_METHODS)).optional(),
    headers: z.array(z.string().regex(/^[A-Za-z0-9-]+$/)).optional(),
    exposeHeaders: z.array(z.string().regex(/^[A-Za-z0-9-]+$/)).optional(),
    credentials: z.boolean().optional(),
    maxAgeSec: z.number().int().min(0).max(86_400).optional(),
  })
  .strict()
  .refine((cors) => !(cors.credentials === true && cors.origins.includes('*')), { error: 'credentials cannot be allowed for any origin ("*"): name the origins', path: ['credentials'] });

const routeSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { error: (issue) => `expected a name of letters, digits, ".", "_" or "-" (at most 100), got ${show(issue.input)}` }).optional(),
    path: z.string(),
    methods: z.array(z.enum(HTTP_METHODS)).optional(),
    host: z.string().regex(/^[A-Za-z0-9.-]+$/, { error: (issue) => `expected a host name without port, got ${show(issue.input)}` }).optional(),
    service: z.string().min(1),
    transport: z.enum(['http', 'nats']).optional(),
    subject: z.string().optional(),
    stripPrefix: pathPrefix.optional(),
    balancer: z.enum(BALANCER_NAMES).optional(),
    hashOn: z.string().optional(),
    version: z.string().refine((value) => validRange(value) !== null, { error: (issue) => `expected a semver version or range such as "^2" or "2.1.x", got ${show(issue.input)}` }).optional(),
    cors: corsSchema.optional(),
    versionHeader: z.string().regex(/^[A-Za-z0-9-]+$/, { error: (issue) => `expected a header name, got ${show(issue.input)}` }).optional(),
    timeoutMs: positiveInt.optional(),
    bodyLimitBytes: positiveInt.optional(),
    ...resilienceFields,
    ...securityFields,
  })
  .strict()
  .superRefine((route, ctx) => {
    checkResilience(route, ctx);
    if (route.hashOn !== undefined && parseHashOn(route.hashOn) === undefined) {
      ctx.addIssue({ code: 'custom', path: ['hashOn'], message: `expected ${HASH_ON_FORMAT}, got ${show(route.hashOn)}` });
    }
    try {
      // The announcement grammar is the one route grammar: same checks for paths, methods and subjects.
      encodeRoutes([{ methods: route.methods ?? [], path: route.path, ...(route.subject ? { subject: route.subject } : {}) }]);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['path'], message: (error as Error).message });
    }
    if (route.transport === 'nats' && route.subject === undefined) {
      ctx.addIssue({ code: 'custom', path: ['subject'], message: 'expected a NATS subject for transport "nats", got nothing' });
    }
    if (route.transport === 'http' && route.subject !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['subject'], message: 'a subject only applies to transport "nats"' });
    }
  });

const fileSchema = z
  .object({
    /** Who can be authenticated: JWT issuers and API consumers (`@meshway/auth`'s schema). */
    auth: authConfigSchema.optional(),
    defaults: settingsSchema.optional(),
    /** Settings for the routes a service announces, by service name (over `defaults`). */
    services: z.record(serviceName, settingsSchema).optional(),
    routes: z.array(routeSchema),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.routes.forEach((route, i) => {
      if (route.name === undefined) return;
      if (seen.has(route.name)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'name'], message: `"${route.name}" names another route already` });
      seen.add(route.name);
    });
  });

type RoutesFile = z.infer<typeof fileSchema>;

/** One configuration document (routes file, KV entry, inline routes), validated. */
export interface ConfigDocument {
  /** Its routes, each complete: the document's `defaults` and the gateway's filled in. */
  readonly routes: RouteSpec[];
  /** Its `auth` block (JWT issuers, API consumers); undefined when it has none. */
  readonly auth: AuthConfig | undefined;
  /** Its `defaults` block as written; undefined when it has none. Also what routes services announce get. */
  readonly defaults: RouteSettings | undefined;
  /** Its `services` block: settings for the routes each service announces. */
  readonly services: Readonly<Record<string, RouteSettings>>;
}

/** Validates a parsed configuration document; throws MESHWAY_GATEWAY_INVALID_CONFIG naming every bad field. */
export function parseConfigDocument(document: unknown, defaults: RouteDefaults, origin = 'routes file'): ConfigDocument {
  const file = parseWith(fileSchema, document, origin);
  const services: Record<string, RouteSettings> = Object.create(null) as Record<string, RouteSettings>;
  for (const [name, block] of Object.entries(file.services ?? {})) services[name] = settingsOf(block) ?? {};
  return { routes: toSpecs(file, defaults), auth: file.auth, defaults: settingsOf(file.defaults), services };
}

/** The routes of a configuration document (see {@link parseConfigDocument}). */
export function parseRoutesDocument(document: unknown, defaults: RouteDefaults, origin = 'routes file'): RouteSpec[] {
  return parseConfigDocument(document, defaults, origin).routes;
}

function toSpecs(file: RoutesFile, gatewayDefaults: RouteDefaults): RouteSpec[] {
  const defaults = applySettings(gatewayDefaults, settingsOf(file.defaults));
  return file.routes.map((route) => ({
    ...applySettings(defaults, settingsOf(route)),
    source: 'file',
    name: route.name,
    path: route.path,
    methods: route.methods ?? [],
    host: route.host?.toLowerCase(),
    service: route.service,
    transport: route.transport ?? (route.subject === undefined ? 'http' : 'nats'),
    subject: route.subject,
    stripPrefix: route.stripPrefix,
    hashOn: route.hashOn === undefined ? undefined : parseHashOn(route.hashOn),
    version: route.version,
    versionHeader: route.versionHeader?.toLowerCase(),
    cors: route.cors,
  }));
}

/**
 * Parses and validates a routes document's text: YAML (which takes JSON too) unless `format` says JSON.
 * Throws MESHWAY_GATEWAY_INVALID_CONFIG naming the origin and every bad field.
 */
export function parseConfigText(text: string, defaults: RouteDefaults, origin: string, format: 'yaml' | 'json' = 'yaml'): ConfigDocument {
  let document: unknown;
  try {
    document = format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new GatewayConfigError(`${origin} is not valid ${format.toUpperCase()}: ${(error as Error).message}`, { cause: error });
  }
  return parseConfigDocument(document ?? {}, defaults, origin);
}

/** The format of a routes file, by its extension: `.yaml`/`.yml` are YAML, anything else JSON. */
export function formatOf(file: string): 'yaml' | 'json' {
  return ['.yaml', '.yml'].includes(extname(file).toLowerCase()) ? 'yaml' : 'json';
}

/** Reads a YAML (`.yaml`/`.yml`) or JSON routes file. */
export async function loadRoutesFile(file: string, defaults: RouteDefaults): Promise<RouteSpec[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new GatewayConfigError(`Cannot read routes file ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseConfigText(text, defaults, `routes file ${file}`, formatOf(file)).routes;
}
