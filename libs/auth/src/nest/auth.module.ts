import { ConfigurableModuleBuilder, Inject, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy, type Provider } from '@nestjs/common';
import { Authenticator, type AuthLogger } from '../index.js';
import type { AuthModuleOptions } from './auth-module.options.js';
import { AnyCredentialStrategy, ApiKeyStrategy, JwtStrategy, TrustedIdentityStrategy } from './auth.strategies.js';
import { AUTH_MODULE_OPTIONS, AUTHENTICATOR } from './auth.tokens.js';
import { ScopesGuard } from './scopes.guard.js';

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } = new ConfigurableModuleBuilder<AuthModuleOptions>({ optionsInjectionToken: AUTH_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/** Nest's Logger (which nestjs-pino replaces when installed) in the lib's `(obj, msg)` shape. */
function nestAuthLogger(): AuthLogger {
  const logger = new Logger('Auth');
  return {
    warn: (obj, msg) => {
      logger.warn(`${msg} ${JSON.stringify(obj)}`);
    },
    info: (obj, msg) => {
      logger.log(`${msg} ${JSON.stringify(obj)}`);
    },
  };
}

const authenticatorProvider: Provider = {
  provide: AUTHENTICATOR,
  inject: [AUTH_MODULE_OPTIONS],
  useFactory: (options: AuthModuleOptions & { isGlobal?: boolean }): Authenticator => {
    // `isGlobal` is the module's extra (Nest hands it to the options too); `auth` and `warmUp` are ours.
    const { auth, warmUp: _warmUp, isGlobal: _isGlobal, ...runtime } = options;
    return new Authenticator(auth, { logger: nestAuthLogger(), ...runtime }, 'AuthModule.auth');
  },
};

/**
 * JWT and API-key authentication for a Nest app (HTTP), on the same config and Authenticator as the gateway:
 * `AuthModule.forRoot({ auth: { jwt: [...], apiKeys: [...] } })`, then `@UseGuards(JwtAuthGuard, ScopesGuard)` and
 * `@Scopes('orders:write')` on handlers, `@CurrentConsumer()` for the caller. Behind the gateway, `TrustedIdentityGuard`
 * believes the identity it forwards. A bad config fails the boot naming the field (MESHWAY_AUTH_INVALID_CONFIG).
 */
@Module({
  providers: [authenticatorProvider, JwtStrategy, ApiKeyStrategy, AnyCredentialStrategy, TrustedIdentityStrategy, ScopesGuard],
  exports: [AUTHENTICATOR, ScopesGuard],
})
export class AuthModule extends ConfigurableModuleClass implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    @Inject(AUTH_MODULE_OPTIONS) private readonly options: AuthModuleOptions,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.warmUp !== false) await this.authenticator.warmUp();
  }

  onModuleDestroy(): void {
    this.authenticator.close();
  }
}
