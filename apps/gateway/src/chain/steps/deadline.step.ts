import { GatewayError } from '../../gateway.errors.js';
import type { StepFactory } from '../step.js';

const TIMEOUT_VALUE = /^[1-9][0-9]{0,9}$/;

/**
 * Every route: the deadline is the route's `timeoutMs`, or the caller's `x-request-timeout` (ms) when shorter. It runs
 * from the moment the request arrived, across every step and attempt, until a response starts.
 */
export const deadlineStep: StepFactory = {
  name: 'deadline',
  create: ({ spec }) => (ex, next) => {
    const header = ex.headers.timeout;
    if (header !== undefined && !TIMEOUT_VALUE.test(header)) {
      throw new GatewayError('MESHWAY_BAD_REQUEST', `x-request-timeout must be a positive integer of milliseconds, got ${JSON.stringify(header)}.`);
    }
    ex.armDeadline(header === undefined ? spec.timeoutMs : Math.min(Number(header), spec.timeoutMs), spec.service);
    next(ex);
  },
};
