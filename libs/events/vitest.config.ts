import { meshwayVitest } from '../../vitest.shared.js';

// Specs run against the real nats-server with JetStream at 127.0.0.1:4222 (NATS_URL overrides).
export default meshwayVitest(import.meta.dirname, { name: 'events', testTimeout: 30_000 });
