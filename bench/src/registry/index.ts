export { runRegistryBench, type RegistryBenchOptions, type RegistryBenchResult } from './registry.bench.js';
export { type FanoutResult } from './fanout.bench.js';
export { type KvThroughputResult } from './kv-throughput.bench.js';
