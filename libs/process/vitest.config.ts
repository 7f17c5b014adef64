import { meshwayVitest } from '../../vitest.shared.js';

// Process specs start and kill real processes; a kill may take its grace period.
export default meshwayVitest(import.meta.dirname, { name: 'process', testTimeout: 20_000 });
