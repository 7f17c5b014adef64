// `npm run bench [-- gateway|registry ...]`: runs the named benchmarks (all when none is named), each printing
// its table and writing bench/results/<name>.json. Tuning through env: BENCH_DURATION, BENCH_CONNECTIONS, BENCH_ROUNDS, BENCH_WATCHERS, …
import { stopAllProcesses } from '@meshway/testing';
import { runGatewayBench } from './gateway/index.js';
import { runRegistryBench } from './registry/index.js';

const BENCHES: Record<string, () => Promise<unknown>> = {
  gateway: () => runGatewayBench(),
  registry: () => runRegistryBench(),
};

const asked = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = asked.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${Object.keys(BENCHES).join(', ')}.`);
  process.exit(2);
}

try {
  for (const name of asked.length > 0 ? asked : Object.keys(BENCHES)) {
    console.log(`\n=== bench: ${name}`);
    await BENCHES[name]?.();
  }
} finally {
  await stopAllProcesses();
}
