import { showValue } from '@meshway/errors';
import { z } from 'zod';
import { AUTH_DEFAULTS } from './auth.defaults.js';
import { AuthError, AuthErrorCode } from './auth.errors.js';
import { CONSUMER_PATTERN, SCOPE_PATTERN } from './identity.js';
import { AUTH_MODES } from './auth.result.js';
import { isHmacAlgorithm, JWT_ALGORITHMS } from './jwt.algorithms.js';

const API_KEY_HASH = /^sha256:[0-9a-fA-F]{64}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

const quoted = (values: readonly string[]): string => values.map((v) => `"${v}"`).join(', ');

const text = (what: string, pattern?: RegExp) =>
  z.custom<string>((v) => typeof v === 'string' && v !== '' && (pattern === undefined || pattern.test(v)), {
    error: (issue) => `expected ${what}, got ${showValue(issue.input)}`,
  });

const wholeNumber = (what: string, min: number, max: number) =>
  z.custom<number>((v) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max, {
    error: (issue) => `expected ${what} from ${min} to ${max}, got ${showValue(issue.input)}`,
  });

const list = <T extends z.ZodType>(item: T, one: string, many: string) =>
  z.array(item, { error: (issue) => `expected a list of ${many}, got ${showValue(issue.input)}` }).min(1, { error: `expected at least one ${one}` });

const strictObject = <S extends z.core.$ZodLooseShape>(shape: S, what: string) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${quoted(issue.keys)}; known: ${Object.keys(shape).join(', ')}`
        : `expected ${what}, got ${showValue(issue.input)}`,
  });

const algorithm = z.enum(JWT_ALGORITHMS, {
  error: (issue) => `expected one of ${JWT_ALGORITHMS.join(', ')} (unsigned tokens are never accepted), got ${showValue(issue.input)}`,
});

const jwksUrl = z.custom<string>((v) => typeof v === 'string' && URL.canParse(v) && ['http:', 'https:'].includes(new URL(v).protocol), {
  error: (issue) => `expected an http(s) URL of a JSON Web Key Set, got ${showValue(issue.input)}`,
});

/** A key's hash; never shows the value, which may be a key put there by mistake. */
const apiKeyHash = z
  .custom<string>((v) => typeof v === 'string' && API_KEY_HASH.test(v), {
    error: (issue) =>
      typeof issue.input === 'string'
        ? 'expected "sha256:<64 hex digits>" (make one with hashApiKey(key); the key itself never goes in config), got a string that is not one (not shown: it may be a key)'
        : `expected "sha256:<64 hex digits>", got ${showValue(issue.input)}`,
  })
  .transform((v) => v.toLowerCase());

const scopeList = z.array(text('a scope (visible ASCII, no quotes or backslashes)', SCOPE_PATTERN), { error: (issue) => `expected a list of scopes, got ${showValue(issue.input)}` });

const KEY_SOURCES = ['jwksUrl', 'publicKeyFile', 'secretEnv'] as const;

/** One trusted issuer of JWTs: how its tokens are checked and where its keys come from (exactly one key source). */
export const jwtIssuerSchema = strictObject(
  {
    /** The token's `iss` must equal it; it also picks this entry for a token. */
    issuer: text('the issuer, a non-empty string equal to the tokens\' "iss"'),
    /** The token's `aud` must contain one of them. */
    audiences: list(text('an audience, a non-empty string'), 'audience', 'audiences'),
    /** The only algorithms accepted; the token's header never chooses beyond these. */
    algorithms: list(algorithm, 'algorithm', 'algorithms'),
    jwksUrl: jwksUrl.optional(),
    publicKeyFile: text('a path to a PEM public key or certificate').optional(),
    secretEnv: text('the name of an environment variable', ENV_NAME).optional(),
    clockToleranceSec: wholeNumber('whole seconds', 0, 300).default(AUTH_DEFAULTS.clockToleranceSec),
    /** Accept tokens without `exp` (they stay valid until the key changes); default false. */
    allowNoExpiry: z.boolean({ error: (issue) => `expected true or false, got ${showValue(issue.input)}` }).default(false),
    maxTokenBytes: wholeNumber('a size in bytes', 256, 65_536).default(AUTH_DEFAULTS.maxTokenBytes),
    consumerClaim: text('a claim name').default(AUTH_DEFAULTS.consumerClaim),
    jwksTimeoutMs: wholeNumber('milliseconds', 1, 30_000).default(AUTH_DEFAULTS.jwksTimeoutMs),
    jwksCooldownSec: wholeNumber('whole seconds', 1, 3_600).default(AUTH_DEFAULTS.jwksCooldownSec),
    jwksMaxAgeSec: wholeNumber('whole seconds', 1, 86_400).default(AUTH_DEFAULTS.jwksMaxAgeSec),
  },
  'an issuer { issuer, audiences, algorithms, jwksUrl | publicKeyFile | secretEnv }',
).superRefine((entry, ctx) => {
  const sources = KEY_SOURCES.filter((source) => entry[source] !== undefined);
  if (sources.length !== 1) {
    ctx.addIssue({ code: 'custom', message: `expected exactly one key source of ${KEY_SOURCES.join(', ')}, got ${sources.length === 0 ? 'none' : sources.join(' and ')}`, path: [] });
    return;
  }
  // The key source decides the family: an RS/ES/PS key can never be used as an HMAC secret (key confusion), nor the reverse.
  const hmac = entry.secretEnv !== undefined;
  const wrong = entry.algorithms.filter((alg) => isHmacAlgorithm(alg) !== hmac);
  if (wrong.length > 0) {
    const message = hmac
      ? `${wrong.join(', ')} need${wrong.length > 1 ? '' : 's'} a public key (jwksUrl or publicKeyFile); secretEnv gives a shared secret for HS256/384/512 only`
      : `${wrong.join(', ')} need${wrong.length > 1 ? '' : 's'} a shared secret (secretEnv); ${sources[0] ?? ''} gives public keys`;
    ctx.addIssue({ code: 'custom', message, path: ['algorithms'] });
  }
});

/** One API consumer: its name, the hashes of its keys (two or more while rotating) and its scopes. */
export const apiKeyConsumerSchema = strictObject(
  {
    consumer: text('a consumer name of visible ASCII characters (at most 256)', CONSUMER_PATTERN),
    keys: list(apiKeyHash, 'key hash', 'key hashes'),
    scopes: scopeList.default([]),
  },
  'an API consumer { consumer, keys, scopes }',
);

const cacheSchema = strictObject(
  {
    maxEntries: wholeNumber('a number of tokens', 1, 1_000_000).default(AUTH_DEFAULTS.cacheMaxEntries),
    maxAgeSec: wholeNumber('whole seconds', 0, 86_400).default(AUTH_DEFAULTS.cacheMaxAgeSec),
  },
  'a token cache { maxEntries, maxAgeSec }',
);

const apiKeyHeader = z
  .custom<string>((v) => typeof v === 'string' && HEADER_NAME.test(v.toLowerCase()) && v.toLowerCase() !== 'authorization' && !v.toLowerCase().startsWith('x-meshway-'), {
    error: (issue) => `expected a header name other than authorization and x-meshway-*, got ${showValue(issue.input)}`,
  })
  .transform((v) => v.toLowerCase());

/**
 * The zod (v4) schema of the gateway routes file's `auth` block (and of `AuthModule.forRoot({ auth })`). Unknown fields are
 * rejected; every issue's path names the field and its message what was expected and what was given, so a schema that embeds
 * it (`auth: authConfigSchema.optional()`) reports `auth.jwt[0].algorithms: expected at least one algorithm`.
 */
export const authConfigSchema = strictObject(
  {
    jwt: z.array(jwtIssuerSchema, { error: (issue) => `expected a list of issuers, got ${showValue(issue.input)}` }).default([]),
    apiKeys: z.array(apiKeyConsumerSchema, { error: (issue) => `expected a list of API consumers, got ${showValue(issue.input)}` }).default([]),
    apiKeyHeader: apiKeyHeader.default(AUTH_DEFAULTS.apiKeyHeader),
    cache: cacheSchema.default({ maxEntries: AUTH_DEFAULTS.cacheMaxEntries, maxAgeSec: AUTH_DEFAULTS.cacheMaxAgeSec }),
  },
  'an auth block { jwt, apiKeys, apiKeyHeader, cache }',
).superRefine((config, ctx) => {
  const issuers = new Set<string>();
  config.jwt.forEach((entry, i) => {
    if (issuers.has(entry.issuer)) ctx.addIssue({ code: 'custom', message: `issuer ${JSON.stringify(entry.issuer)} is listed twice`, path: ['jwt', i, 'issuer'] });
    issuers.add(entry.issuer);
  });
  const consumers = new Set<string>();
  const hashes = new Set<string>();
  config.apiKeys.forEach((entry, i) => {
    if (consumers.has(entry.consumer)) ctx.addIssue({ code: 'custom', message: `consumer ${JSON.stringify(entry.consumer)} is listed twice`, path: ['apiKeys', i, 'consumer'] });
    consumers.add(entry.consumer);
    entry.keys.forEach((hash, j) => {
      if (hashes.has(hash)) ctx.addIssue({ code: 'custom', message: 'this key hash is listed twice (a key must name one consumer)', path: ['apiKeys', i, 'keys', j] });
      hashes.add(hash);
    });
  });
});

/** The `auth` block as written (defaults may be left out). */
export type AuthConfigInput = z.input<typeof authConfigSchema>;
/** The `auth` block validated, with every default filled in. */
export type AuthConfig = z.output<typeof authConfigSchema>;
export type JwtIssuerConfig = z.output<typeof jwtIssuerSchema>;
export type ApiKeyConsumerConfig = z.output<typeof apiKeyConsumerSchema>;

/** `['jwt', 0, 'algorithms']` under `auth` → `auth.jwt[0].algorithms`. */
export function fieldPath(where: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out}.${String(key)}`), where);
}

/**
 * Validates an `auth` block; throws MESHWAY_AUTH_INVALID_CONFIG naming every bad field under `where`
 * (`Invalid auth config: auth.jwt[0].algorithms: expected at least one algorithm`).
 */
export function parseAuthConfig(value: unknown, where = 'auth'): AuthConfig {
  const result = authConfigSchema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${fieldPath(where, issue.path)}: ${issue.message}`);
  throw new AuthError(AuthErrorCode.InvalidConfig, `Invalid auth config: ${problems.join('; ')}`);
}

/** A route's `auth` mode in a routes file (`auth: jwt`); for the gateway's route schema. */
export const authModeSchema = z.enum(AUTH_MODES, { error: (issue) => `expected one of ${quoted(AUTH_MODES)}, got ${showValue(issue.input)}` });

/** A route's required scopes (`scopes: [orders:write]`); for the gateway's route schema. */
export const scopesSchema = scopeList;
