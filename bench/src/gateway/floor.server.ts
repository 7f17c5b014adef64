import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from '@nats-io/transport-node';
import Fastify from 'fastify';
import { Pool, type Dispatcher } from 'undici';

// Reference floors for the hot-path choice: the smallest undici `dispatch` proxy (no routing, no metrics,
// no header hygiene), hosted either by bare node:http (MODE=node, what Meshway does) or inside a Fastify
// catch-all route with reply.hijack() (MODE=fastify, the alternative the brief names). Their gap is the
// per-request cost of Fastify's lifecycle. MODE=nats: the smallest HTTP→NATS bridge (one Nest-format
// request per HTTP request, reply body written back), the floor for the gateway's NATS routes.
const pool = new Pool(process.env.UPSTREAM ?? '', { connections: 128, pipelining: 1 });

function forward(req: IncomingMessage, res: ServerResponse): void {
  const handler: Dispatcher.DispatchHandler = {
    // Its presence tells undici this is a new-style (controller) handler.
    onRequestStart() {
      return undefined;
    },
    onResponseStart(_controller, status, headers) {
      res.writeHead(status, headers as Record<string, string>);
    },
    onResponseData(controller, chunk) {
      if (!res.write(chunk)) {
        controller.pause();
        res.once('drain', () => {
          controller.resume();
        });
      }
    },
    onResponseEnd() {
      res.end();
    },
    onResponseError() {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    },
  };
  pool.dispatch({ path: req.url ?? '/', method: 'GET', headers: { host: 'upstream' } }, handler);
}

async function natsBridge(): Promise<(req: IncomingMessage, res: ServerResponse) => void> {
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'bench-floor-bridge' });
  const subject = process.env.SUBJECT ?? '';
  return (req, res) => {
    const payload = JSON.stringify({ pattern: subject, data: { method: req.method, path: req.url }, id: randomUUID() });
    nc.request(subject, payload, { timeout: 5_000 }).then(
      (msg) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(msg.data);
      },
      () => {
        res.writeHead(502);
        res.end();
      },
    );
  };
}

async function listen(): Promise<number> {
  const port = Number(process.env.PORT ?? 0);
  if (process.env.MODE === 'nats') {
    const server = createServer(await natsBridge());
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  }
  if (process.env.MODE === 'fastify') {
    const app = Fastify({ logger: false });
    app.all('/*', (request, reply) => {
      void reply.hijack();
      forward(request.raw, reply.raw);
    });
    await app.listen({ port, host: '127.0.0.1' });
    return (app.server.address() as { port: number }).port;
  }
  const server = createServer(forward);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

process.stdout.write(`listening ${await listen()}\n`);
process.once('SIGTERM', () => process.exit(0));
