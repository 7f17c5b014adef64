import { packageVersion, type ServiceOptions } from '@meshway/service';
import { NOTIFICATION_SUBJECTS } from './notifications.subjects.js';

/** Who this service is and what the gateway routes here; `main.ts` and `AppModule` share it. */
export const serviceOptions: ServiceOptions = {
  name: 'notifications',
  version: packageVersion(import.meta.url),
  transport: 'nats',
  // The gateway turns GET /api/notifications into a NATS request on notifications.list; in HTTP mode the service
  // answers it itself at the same path.
  routes: [{ methods: ['GET'], path: '/api/notifications', subject: NOTIFICATION_SUBJECTS.list }],
};
