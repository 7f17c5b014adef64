import { systemClock, type Clock } from '@meshway/clock';
import { AUTH_DEFAULTS } from './auth.defaults.js';
import { invalidOption } from './auth.errors.js';

/** Where the lib reports JWKS trouble: pino's `(obj, msg)` shape, so a pino logger fits as is. */
export interface AuthLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
}

export const silentLogger: AuthLogger = { warn: () => undefined, info: () => undefined };

/** Runtime options of an {@link Authenticator} (what the `auth` config block cannot say); every field has a default. */
export interface AuthenticatorOptions {
  /** Time for `exp`/`nbf`, the token cache, JWKS cooldowns and timeouts; tests pass a `FakeClock`. Default: the system clock. */
  readonly clock?: Clock;
  /** Gets a `warn` when a JWKS fetch fails and an `info` when it works again. Default: silent. */
  readonly logger?: AuthLogger;
  /** Where `secretEnv` names are looked up. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** What relative `publicKeyFile` paths are relative to (the routes file's folder, say). Default: `process.cwd()`. */
  readonly baseDir?: string;
  /** The `realm` of `WWW-Authenticate` challenges. Default: `meshway`. */
  readonly realm?: string;
}

export interface ResolvedAuthenticatorOptions {
  readonly clock: Clock;
  readonly logger: AuthLogger;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly baseDir: string;
  readonly realm: string;
}

const KNOWN = ['clock', 'logger', 'env', 'baseDir', 'realm'];

function isClock(value: unknown): value is Clock {
  const clock = value as Partial<Clock> | null;
  return typeof clock === 'object' && clock !== null && typeof clock.now === 'function' && typeof clock.setTimeout === 'function' && typeof clock.clearTimeout === 'function';
}

/** Fills defaults and validates; throws MESHWAY_AUTH_INVALID_OPTIONS naming the option, the value and what is allowed. */
export function resolveAuthenticatorOptions(given: AuthenticatorOptions = {}, path = 'Authenticator'): ResolvedAuthenticatorOptions {
  if (typeof given !== 'object' || Array.isArray(given)) throw invalidOption(path, given, `an object with ${KNOWN.join(', ')}`);
  for (const key of Object.keys(given)) {
    if (!KNOWN.includes(key)) throw invalidOption(`${path}.${key}`, (given as Record<string, unknown>)[key], `no such option; known: ${KNOWN.join(', ')}`);
  }
  const clock = given.clock ?? systemClock;
  if (!isClock(clock)) throw invalidOption(`${path}.clock`, clock, 'a Clock from @meshway/clock');
  const logger = (given.logger ?? silentLogger) as Partial<AuthLogger>;
  if (typeof logger.warn !== 'function' || typeof logger.info !== 'function') throw invalidOption(`${path}.logger`, given.logger, 'an object with warn(obj, msg) and info(obj, msg), e.g. a pino logger');
  const env = given.env ?? process.env;
  if (typeof env !== 'object') throw invalidOption(`${path}.env`, env, 'an object of environment variables');
  const baseDir = given.baseDir ?? process.cwd();
  if (typeof baseDir !== 'string' || baseDir === '') throw invalidOption(`${path}.baseDir`, baseDir, 'a directory path');
  const realm = given.realm ?? AUTH_DEFAULTS.realm;
  if (typeof realm !== 'string' || !/^[\x20\x21\x23-\x5b\x5d-\x7e]{1,100}$/.test(realm)) throw invalidOption(`${path}.realm`, realm, 'printable ASCII without quotes or backslashes, 1 to 100 characters');
  return { clock, logger: logger as AuthLogger, env, baseDir, realm };
}
