import { get } from 'node:http';
import type { HealthProbe } from './health.waiter.js';

/** A real {@link HealthProbe}: one GET with no keep-alive (health polling must not hold sockets open). */
export const httpProbe: HealthProbe = (url, signal) =>
  new Promise((resolve, reject) => {
    const request = get(url, { agent: false, signal }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('error', reject);
  });
