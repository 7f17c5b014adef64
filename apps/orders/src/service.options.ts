import { packageVersion, type ServiceOptions } from '@meshway/service';

/** Who this service is and what the gateway routes here; `main.ts` and `AppModule` share it. */
export const serviceOptions: ServiceOptions = {
  name: 'orders',
  version: packageVersion(import.meta.url),
  transport: 'nats',
  // The gateway turns POST /api/orders/echo into a NATS request on orders.echo.
  routes: [{ methods: ['POST'], path: '/api/orders/echo', subject: 'orders.echo' }],
};
