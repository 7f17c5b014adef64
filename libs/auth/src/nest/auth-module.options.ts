import type { AuthConfigInput, AuthenticatorOptions } from '../index.js';

/** Options of `AuthModule.forRoot` / `forRootAsync`. */
export interface AuthModuleOptions extends AuthenticatorOptions {
  /**
   * The `auth` block, the same shape as the gateway routes file's (`jwt` issuers, `apiKeys`, `apiKeyHeader`, `cache`).
   * Leave it out in a service that only trusts the gateway's identity headers (`TrustedIdentityGuard`).
   */
  readonly auth?: AuthConfigInput;
  /** Fetch every JWKS when the app boots, so the first requests do not wait (never fails the boot). Default true. */
  readonly warmUp?: boolean;
}
