import type { StepFactory } from '../step.js';

/**
 * Routes with `cors`: a response to an allowed origin carries `Access-Control-Allow-Origin` (and `Vary: Origin`,
 * exposed headers, credentials), errors from later steps included. Preflights never reach a chain: the request handler
 * answers them from the route's rules.
 */
export const corsStep: StepFactory = {
  name: 'cors',
  create: ({ cors }) => {
    if (!cors) return undefined;
    return (ex, next) => {
      const headers = cors.responseHeaders(ex.headers.origin);
      if (headers.length > 0) (ex.responseHeaders ??= []).push(...headers);
      next(ex);
    };
  },
};
