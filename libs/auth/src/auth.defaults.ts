/** Every default of `@meshway/auth`, in one place (the config schema and the runtime options read them from here). */
export const AUTH_DEFAULTS = {
  /** Leeway for `exp` and `nbf`, in seconds: clocks of issuers and gateways drift. */
  clockToleranceSec: 30,
  /** Longest token accepted, in bytes; longer ones fail before any parsing or crypto. */
  maxTokenBytes: 8_192,
  /** The claim that names the consumer. */
  consumerClaim: 'sub',
  /** The longest one JWKS fetch may take, in ms. */
  jwksTimeoutMs: 2_000,
  /** At most one JWKS fetch per this many seconds (an unknown `kid` triggers one; failures count too). */
  jwksCooldownSec: 30,
  /** A JWKS older than this is refreshed in the background on the next use (rotation: removed keys stop verifying). */
  jwksMaxAgeSec: 600,
  /** The header an API key comes in. */
  apiKeyHeader: 'x-api-key',
  /** Verified tokens kept at most (LRU). */
  cacheMaxEntries: 10_000,
  /** The longest a verified token is served from the cache before it is verified again, in seconds (never past its `exp`). */
  cacheMaxAgeSec: 300,
  /** The `realm` of `WWW-Authenticate` challenges. */
  realm: 'meshway',
} as const;

/** The largest JWKS document read, in bytes. */
export const MAX_JWKS_BYTES = 512 * 1024;
/** Longest API key hashed, in bytes: anything longer is refused without hashing. */
export const MAX_API_KEY_BYTES = 1_024;
