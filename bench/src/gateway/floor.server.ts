import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify from 'fastify';
import { Pool, type Dispatcher } from 'undici';

// Reference floors for the hot-path choice: the smallest undici `dispatch` proxy (no routing, no metrics,
// no header hygiene), hosted either by bare node:http (MODE=node, what Meshway does) or inside a Fastify
// catch-all route with reply.hijack() (MODE=fastify, the alternative the brief names). Their gap is the
// per-request cost of Fastify's lifecycle.
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

async function listen(): Promise<number> {
  const port = Number(process.env.PORT ?? 0);
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
