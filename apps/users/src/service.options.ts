import { packageVersion, type ServiceOptions } from '@meshway/service';

/** Who this service is and what the gateway routes here; `main.ts` and `AppModule` share it. */
export const serviceOptions: ServiceOptions = {
  name: 'users',
  version: packageVersion(import.meta.url),
  transport: 'http',
  // The gateway forwards /api/users and everything below it, without the /api prefix.
  routes: [
    { methods: [], path: '/api/users' },
    { methods: [], path: '/api/users/*' },
  ],
  stripPrefix: '/api',
};
