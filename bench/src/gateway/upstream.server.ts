import Fastify from 'fastify';

// The benchmark's upstream: Fastify answering every GET with the same 1 KB JSON body.
const items = Array.from({ length: 12 }, (_, i) => ({ id: i, name: `item-${i}`, price: 10 + i, tags: ['a', 'b'] }));
const body = JSON.stringify({ items, pad: '' });
const payload = JSON.stringify({ items, pad: 'x'.repeat(Math.max(0, 1024 - body.length)) });

const app = Fastify({ logger: false });
app.get('/*', (_request, reply) => {
  void reply.header('content-type', 'application/json; charset=utf-8').send(payload);
});
const port = Number(process.env.PORT ?? 0);
await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`listening ${(app.server.address() as { port: number }).port} bytes=${Buffer.byteLength(payload)}\n`);
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
