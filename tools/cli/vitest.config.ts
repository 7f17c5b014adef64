import { meshwayVitest } from '../../vitest.shared.js';

export default meshwayVitest(import.meta.dirname, { name: 'cli', testTimeout: 30_000 });
