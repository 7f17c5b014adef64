export { ResilienceModule, type ResilienceModuleOptions } from './resilience.module.js';
export { DeadlineInterceptor } from './deadline.interceptor.js';
export { RequestDeadline } from './request-deadline.decorator.js';
export { RESILIENCE_CLOCK } from './resilience.tokens.js';
