import { stopAllProcesses } from '@meshway/testing';
import { runGatewayBench } from './index.js';

// Standalone entry until `npm run bench -- gateway` is wired: node … bench/src/gateway/run.ts
try {
  await runGatewayBench();
} finally {
  await stopAllProcesses();
}
