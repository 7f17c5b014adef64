import { systemClock, type Clock } from '@meshway/clock';
import { oneOfOption, optionsObject } from '../option.checks.js';
import { invalidOption } from '../resilience.errors.js';

export const INVALID_HEADER_MODES = ['ignore', 'reject'] as const;

/** Options of `ResilienceModule.forRoot` / `forRootAsync`. */
export interface ResilienceModuleOptions {
  /** The clock deadlines are measured on (tests pass a FakeClock). Default: the system clock. */
  readonly clock?: Clock;
  /**
   * An `x-request-timeout` that is not a positive whole number of ms: `'ignore'` (default) serves the request without
   * a deadline from its caller; `'reject'` fails it with MESHWAY_INVALID_DEADLINE (map the code in an exception filter).
   */
  readonly invalidHeader?: (typeof INVALID_HEADER_MODES)[number];
}

export type ResolvedResilienceModuleOptions = Required<ResilienceModuleOptions>;

export function resolveResilienceModuleOptions(given: ResilienceModuleOptions = {}): ResolvedResilienceModuleOptions {
  // `isGlobal` and `globalInterceptor` are the module's extras: Nest hands them to the options object too.
  const o = optionsObject(given, 'ResilienceModule', ['clock', 'invalidHeader', 'isGlobal', 'globalInterceptor']);
  const clock = o.clock ?? systemClock;
  if (typeof clock !== 'object' || typeof (clock as Partial<Clock>).monotonic !== 'function') {
    throw invalidOption('ResilienceModule.clock', clock, 'a Clock from @meshway/clock');
  }
  return { clock: clock as Clock, invalidHeader: oneOfOption(o.invalidHeader ?? 'ignore', 'ResilienceModule.invalidHeader', INVALID_HEADER_MODES) };
}
