export { ResilienceModule } from './resilience.module.js';
export { type ResilienceModuleOptions, resolveResilienceModuleOptions, INVALID_HEADER_MODES } from './resilience-module.options.js';
export { DeadlineInterceptor } from './deadline.interceptor.js';
export { RequestDeadline } from './request-deadline.decorator.js';
export { RESILIENCE_MODULE_OPTIONS } from './resilience.tokens.js';
