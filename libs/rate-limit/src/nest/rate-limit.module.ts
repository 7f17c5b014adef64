import { ConfigurableModuleBuilder, Inject, Injectable, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MemoryRateLimitStore } from '../memory.store.js';
import type { RateLimitStore } from '../rate-limit.store.js';
import { RedisRateLimitStore } from '../redis.store.js';
import { resolveRateLimitModuleOptions, type RateLimitModuleOptions, type ResolvedRateLimitModuleOptions } from './rate-limit-module.options.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { nestRateLimitLogger } from './rate-limit.logger.adapter.js';
import { RATE_LIMIT_MODULE_OPTIONS, RATE_LIMIT_STORE, RESOLVED_RATE_LIMIT_OPTIONS } from './rate-limit.tokens.js';

const globalGuard: Provider = { provide: APP_GUARD, useExisting: RateLimitGuard };

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } = new ConfigurableModuleBuilder<RateLimitModuleOptions>({
  optionsInjectionToken: RATE_LIMIT_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false, globalGuard: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    providers: [...(definition.providers ?? []), ...(extras.globalGuard ? [globalGuard] : [])],
  }))
  .build();

/** The Redis store connects before the app starts listening (bounded by `connectTimeoutMs`; it starts degraded if not). */
async function createStore(options: ResolvedRateLimitModuleOptions): Promise<RateLimitStore> {
  if (options.store === 'memory') return new MemoryRateLimitStore(options.memory);
  const store = new RedisRateLimitStore({ ...options.redis, logger: options.redis.logger ?? nestRateLimitLogger() });
  await store.ready();
  return store;
}

/** Closes the store (the Redis connection) when the app shuts down. */
@Injectable()
export class RateLimitStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore) {}

  onApplicationShutdown(): Promise<void> {
    return this.store.close();
  }
}

/**
 * Rate limits for a Nest app: `forRoot({ store: 'redis', redis: { failMode: 'closed' } })` provides the store
 * (`RATE_LIMIT_STORE`) and installs `RateLimitGuard` globally, which enforces `@RateLimit()` on HTTP handlers.
 * `forRoot({ globalGuard: false })` only provides the guard, for `@UseGuards(AuthGuard, RateLimitGuard)`.
 */
@Module({
  providers: [
    { provide: RESOLVED_RATE_LIMIT_OPTIONS, useFactory: resolveRateLimitModuleOptions, inject: [RATE_LIMIT_MODULE_OPTIONS] },
    { provide: RATE_LIMIT_STORE, useFactory: createStore, inject: [RESOLVED_RATE_LIMIT_OPTIONS] },
    RateLimitStoreCloser,
    RateLimitGuard,
  ],
  exports: [RATE_LIMIT_STORE, RateLimitGuard, RESOLVED_RATE_LIMIT_OPTIONS],
})
export class RateLimitModule extends ConfigurableModuleClass {}
