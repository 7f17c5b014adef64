import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { systemClock, type Clock } from '@meshway/clock';
import { DeadlineInterceptor } from './deadline.interceptor.js';
import { RESILIENCE_CLOCK } from './resilience.tokens.js';

export interface ResilienceModuleOptions {
  /** Time for deadlines (tests pass a FakeClock). Default: the system clock. */
  readonly clock?: Clock;
}

/**
 * Deadline propagation for a Nest app: every HTTP and NATS handler runs with its caller's `x-request-timeout` as the
 * current deadline (MeshClient calls inherit it; `@RequestDeadline()` reads it). `@meshway/service` imports it for you.
 */
@Module({})
export class ResilienceModule {
  static forRoot(options: ResilienceModuleOptions = {}): DynamicModule {
    return {
      module: ResilienceModule,
      providers: [{ provide: RESILIENCE_CLOCK, useValue: options.clock ?? systemClock }, { provide: APP_INTERCEPTOR, useClass: DeadlineInterceptor }],
    };
  }
}
