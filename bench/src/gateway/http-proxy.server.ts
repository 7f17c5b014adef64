import proxy from '@fastify/http-proxy';
import Fastify from 'fastify';

// The reference peer: bare @fastify/http-proxy in front of the same upstream, with its defaults.
const upstream = process.env.UPSTREAM ?? '';
const app = Fastify({ logger: false });
await app.register(proxy, { upstream });
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`listening ${(app.server.address() as { port: number }).port}\n`);
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
