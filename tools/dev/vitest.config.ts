import { meshwayVitest } from '../../vitest.shared.js';

// Process specs start the orchestrator and fixture components; one stop may take the 4 s grace.
export default meshwayVitest(import.meta.dirname, { name: 'dev', testTimeout: 30_000 });
