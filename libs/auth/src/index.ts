export { Authenticator, type RouteAuth, type RouteAuthenticator, type AuthOutcome } from './authenticator.js';
export { type AuthenticatorOptions, type AuthLogger } from './authenticator.options.js';
export {
  authConfigSchema,
  jwtIssuerSchema,
  apiKeyConsumerSchema,
  authModeSchema,
  scopesSchema,
  parseAuthConfig,
  type AuthConfig,
  type AuthConfigInput,
  type JwtIssuerConfig,
  type ApiKeyConsumerConfig,
} from './auth.config.js';
export { AUTH_DEFAULTS } from './auth.defaults.js';
export {
  AUTH_MODES,
  requireScopes,
  refusalError,
  type AuthMode,
  type AuthResult,
  type AuthGranted,
  type AuthRefused,
  type AuthFailureReason,
} from './auth.result.js';
export { JwtVerifier, type VerifyResult } from './jwt.verifier.js';
export { type VerifyFailure } from './issuer.verifier.js';
export { ApiKeyStore, hashApiKey } from './api-key.store.js';
export { headerValues, type Credentials, type HeaderValue } from './credentials.js';
export { type Identity, type AuthMethod, CONSUMER_PATTERN, SCOPE_PATTERN } from './identity.js';
export { IDENTITY_HEADERS, identityHeaders, identityFromHeaders } from './identity.headers.js';
export { JWT_ALGORITHMS, type JwtAlgorithm } from './jwt.algorithms.js';
export { AuthError, AuthErrorCode, AUTH_HTTP_STATUS, type RefusalCode } from './auth.errors.js';
