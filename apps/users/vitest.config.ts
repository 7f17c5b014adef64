import { meshwayVitest } from '../../vitest.shared.js';

// The e2e spec starts the real service process: allow it a few seconds to boot.
export default meshwayVitest(import.meta.dirname, { name: 'users', testTimeout: 30_000 });
