import { meshwayVitest } from '../../vitest.shared.js';

export default meshwayVitest(import.meta.dirname, { name: 'contracts' });
