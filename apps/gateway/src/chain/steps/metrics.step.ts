import type { StepFactory } from '../step.js';

/**
 * Every route, first: from here on the request counts under its route. The recording itself happens once, where every
 * request ends (the response's `close`, see `Exchange`), so a request answered by any later step is counted too.
 */
export const metricsStep: StepFactory = {
  name: 'metrics',
  create: ({ recorder }) => (ex, next) => {
    ex.recorder = recorder;
    next(ex);
  },
};
