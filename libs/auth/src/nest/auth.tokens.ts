/** Injection tokens, metadata keys and strategy names of `@meshway/auth/nest`, all in one place. */

/** The module options as given to `forRoot` / returned by `forRootAsync`'s factory. */
export const AUTH_MODULE_OPTIONS = Symbol.for('meshway.auth.module-options');
/** The module's `Authenticator`: `@Inject(AUTHENTICATOR) auth: Authenticator`. */
export const AUTHENTICATOR = Symbol.for('meshway.auth.authenticator');
/** Metadata key under which `@Scopes()` keeps its scopes. */
export const SCOPES_KEY = 'meshway:auth:scopes';

/** The passport strategy names this module registers (passport keeps one global registry of them). */
export const AUTH_STRATEGY = {
  /** `Authorization: Bearer <JWT>`. */
  jwt: 'jwt',
  /** The API key header (`x-api-key` unless configured otherwise). */
  apiKey: 'api-key',
  /** Either one (not both), as the gateway's `auth: any`. */
  any: 'meshway-any',
  /** The identity headers the gateway forwards (`x-meshway-consumer`, `x-meshway-scopes`). */
  gateway: 'meshway-gateway',
} as const;
