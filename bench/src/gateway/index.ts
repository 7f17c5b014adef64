export { runGatewayBench, type GatewayBenchOptions } from './gateway.bench.js';
export { type GatewayBenchResult, type TargetResult } from './gateway.report.js';
