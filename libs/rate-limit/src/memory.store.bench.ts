import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { bench, describe } from 'vitest';
import { MemoryRateLimitStore } from './memory.store.js';
import { RouteRateLimiter } from './route.limiter.js';

// What one decision costs on the gateway's hot path: `npx vitest bench --project rate-limit --run`.
// 1,000 consumers, 100 req/s each: most calls hit a live window, some are refused, windows roll over.
const consumers = Array.from({ length: 1_000 }, (_, i) => `consumer-${i}`);
const rule = { points: 100, durationSec: 1, by: 'consumer' } as const;
let i = 0;
const next = (): string => consumers[i++ % consumers.length] ?? '';

describe('one decision, memory', () => {
  const store = new MemoryRateLimitStore();
  bench('MemoryRateLimitStore.consume (sync)', () => {
    store.consume(`meshway:rl:r:consumer:${next()}`, rule);
  });

  const limiter = new RouteRateLimiter(new MemoryRateLimitStore(), 'GET /orders', rule);
  bench('RouteRateLimiter.consume (key + sync store)', () => {
    limiter.consume({ consumer: next(), ip: '198.51.100.4' });
  });

  const flexible = new RateLimiterMemory({ points: rule.points, duration: rule.durationSec });
  bench('rate-limiter-flexible RateLimiterMemory.consume (awaited)', async () => {
    await flexible.consume(`r:consumer:${next()}`).catch((refused: unknown) => {
      if (!(refused instanceof RateLimiterRes)) throw refused;
    });
  });
});
