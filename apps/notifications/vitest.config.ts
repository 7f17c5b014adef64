import { meshwayVitest } from '../../vitest.shared.js';

// The e2e spec starts the real service process: on a busy machine it may take a while to boot.
export default meshwayVitest(import.meta.dirname, { name: 'notifications', testTimeout: 60_000 });
