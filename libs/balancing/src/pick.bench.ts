import { createInstance } from '@meshway/discovery';
import { bench, describe } from 'vitest';
import { BALANCER_NAMES } from './balancer.js';
import { createBalancer } from './balancer.factory.js';

// The gateway picks once per request: `npx vitest bench --project balancing --run` shows what that costs.
const list = Array.from({ length: 5 }, (_, i) => createInstance({ service: 'users', address: `10.0.0.${String(i + 1)}`, port: 3000 }));
const context = { hashKey: 'user-12345' };

describe('pick + begin + outcome, 5 instances', () => {
  for (const name of BALANCER_NAMES) {
    const balancer = createBalancer(name);
    bench(name, () => {
      const chosen = balancer.pick(list, context);
      if (chosen) balancer.begin(chosen)({ ok: true, latencyMs: 3 });
    }, { time: 500 });
  }
});
