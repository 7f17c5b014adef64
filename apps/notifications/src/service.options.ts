import { packageVersion, type ServiceOptions } from '@meshway/service';

/** Who this service is and what the gateway routes here; `main.ts` and `AppModule` share it. */
export const serviceOptions: ServiceOptions = {
  name: 'notifications',
  version: packageVersion(import.meta.url),
  transport: 'nats',
  // The gateway turns these HTTP routes into NATS requests on the subjects.
  routes: [
    { methods: ['POST'], path: '/api/notifications/echo', subject: 'notifications.echo' },
    { methods: ['GET'], path: '/api/notifications/handled', subject: 'notifications.handled' },
  ],
};
