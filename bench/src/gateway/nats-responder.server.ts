import { connect } from '@nats-io/transport-node';

// A NATS responder speaking Nest's wire format (`{ id, response, isDisposed }`), as a Nest
// @MessagePattern handler would: the same service behind both the gateway's HTTP→NATS route
// and the bare NATS request-reply the bench compares it with.
const subject = process.env.SUBJECT ?? 'bench.gateway.items';
const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'bench-nats-responder' });
const items = Array.from({ length: 4 }, (_, i) => ({ id: i, name: `item-${i}` }));
const sub = nc.subscribe(subject, { queue: 'bench' });
process.stdout.write(`listening ${subject}\n`);
process.once('SIGTERM', () => {
  void nc.drain().then(() => process.exit(0));
});
for await (const msg of sub) {
  const { id } = JSON.parse(new TextDecoder().decode(msg.data)) as { id: string };
  msg.respond(JSON.stringify({ id, response: { status: 200, body: { items } }, isDisposed: true }));
}
