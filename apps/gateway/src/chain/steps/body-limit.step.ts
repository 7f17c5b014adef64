import { checkDeclaredLength } from '../../proxy/request-body.js';
import type { StepFactory } from '../step.js';

/**
 * Every route: a declared `Content-Length` over the route's `bodyLimitBytes` is refused (413) before anything is read or
 * sent. A chunked body is counted while it streams, by the forwarders.
 */
export const bodyLimitStep: StepFactory = {
  name: 'body-limit',
  create: ({ spec }) => (ex, next) => {
    checkDeclaredLength(ex.headers.contentLength, spec.bodyLimitBytes);
    next(ex);
  },
};
