import { randomUUID } from 'node:crypto';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';

/** What a NATS service answered to one HTTP-envelope request: its envelope status and body, or the Nest `err`. */
export interface EnvelopeAnswer {
  readonly status: number | undefined;
  readonly body: unknown;
  readonly err: unknown;
  readonly ms: number;
}

/**
 * Sends one HTTP request envelope straight to a NATS service the way the gateway does (a Nest NATS packet on the
 * route's subject, `x-request-timeout` as a NATS header) and reads its answer: how a test sees what the service itself
 * replied when the gateway has already answered the client (and drops the late reply).
 */
export async function requestEnvelope(natsUrl: string, subject: string, envelope: object, budgetMs: number): Promise<EnvelopeAnswer> {
  const nc = await connect({ servers: natsUrl });
  try {
    const h = natsHeaders();
    h.set('x-request-timeout', String(budgetMs));
    h.set('x-request-id', randomUUID());
    const payload = JSON.stringify({ pattern: subject, data: envelope, id: randomUUID() });
    const started = performance.now();
    const msg = await nc.request(subject, payload, { timeout: budgetMs + 5_000, headers: h });
    const ms = Math.round(performance.now() - started);
    const packet = JSON.parse(msg.string()) as { response?: { status?: number; body?: unknown }; err?: unknown };
    return { status: packet.response?.status, body: packet.response?.body, err: packet.err, ms };
  } finally {
    await nc.close();
  }
}
