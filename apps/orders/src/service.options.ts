import { packageVersion, type ServiceOptions } from '@meshway/service';
import { ORDER_SUBJECTS } from './orders.subjects.js';

/** Who this service is and what the gateway routes here; `main.ts` and `AppModule` share it. */
export const serviceOptions: ServiceOptions = {
  name: 'orders',
  version: packageVersion(import.meta.url),
  transport: 'nats',
  // The gateway turns these HTTP routes into NATS requests on the subjects; in HTTP mode (no NATS) the service answers
  // them itself, at the paths the gateway forwards (`/api` stripped: POST /orders, GET /orders/:id).
  routes: [
    { methods: ['POST'], path: '/api/orders', subject: ORDER_SUBJECTS.create },
    { methods: ['GET'], path: '/api/orders', subject: ORDER_SUBJECTS.list },
    { methods: ['GET'], path: '/api/orders/:id', subject: ORDER_SUBJECTS.get },
  ],
  stripPrefix: '/api',
};
