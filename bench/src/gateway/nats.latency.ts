import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { percentiles, type Latency } from './load.generator.js';

/** Bare NATS request-reply at 1 in flight (Nest wire format, as the gateway sends it), for `seconds`. */
export async function natsRequestLoop(natsUrl: string, subject: string, seconds: number): Promise<Latency> {
  const nc = await connect({ servers: natsUrl, name: 'bench-nats-client' });
  const samples: number[] = [];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    const started = performance.now();
    const payload = JSON.stringify({ pattern: subject, data: { method: 'GET', path: '/items', params: {}, query: {}, headers: {}, body: null }, id: randomUUID() });
    const msg = await nc.request(subject, payload, { timeout: 5_000 });
    JSON.parse(new TextDecoder().decode(msg.data));
    samples.push(performance.now() - started);
  }
  await nc.close();
  return percentiles(samples);
}
