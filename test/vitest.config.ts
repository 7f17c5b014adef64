import { meshwayVitest } from '../vitest.shared.js';

// Cross-process suites: real registry, gateway, services and NATS.
export default meshwayVitest(import.meta.dirname, { name: 'platform', include: ['e2e/**/*.spec.ts', 'chaos/**/*.spec.ts', 'security/**/*.spec.ts'], testTimeout: 60_000 });
