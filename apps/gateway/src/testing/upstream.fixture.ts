import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';

/** What the echo upstream saw, returned as its JSON body. */
export interface EchoBody {
  readonly upstream: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface TestUpstream {
  readonly name: string;
  readonly port: number;
  readonly app: FastifyInstance;
  /** Requests that reached `…/hang` and wait there. */
  readonly hanging: ServerResponse[];
  close(): Promise<void>;
}

type Special = (req: IncomingMessage, res: ServerResponse, hanging: ServerResponse[]) => void;

/** Behaviours chosen by the last path segment, whatever prefix the route left on the path. */
const SPECIAL: Record<string, Special> = {
  'stream-echo': (req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    req.pipe(res);
  },
  hang: (_req, res, hanging) => {
    hanging.push(res);
  },
  'hop-by-hop': (_req, res) => {
    res.writeHead(200, { connection: 'keep-alive, x-private', 'x-private': 'secret', 'keep-alive': 'timeout=5', 'proxy-authenticate': 'Basic', 'x-public': 'yes', 'content-length': '2' });
    res.end('ok');
  },
  'fail-500': (_req, res) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end('{"oops":true}');
  },
};

/**
 * A Fastify upstream on port 0 for gateway specs. By last path segment: `stream-echo` streams the request
 * body back as it arrives; `hang` never answers (until closed); `hop-by-hop` sends hop-by-hop headers;
 * `fail-500` answers 500; anything else gets a JSON echo of method, url, headers and body.
 */
export async function startUpstream(name: string): Promise<TestUpstream> {
  const app = Fastify({ forceCloseConnections: true });
  const hanging: ServerResponse[] = [];
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => {
    done(null, payload);
  });
  app.all('/*', async (request, reply) => {
    const last = request.url.split('?')[0]?.split('/').pop() ?? '';
    const special = SPECIAL[last];
    if (special) {
      special(request.raw, reply.raw, hanging);
      return reply.hijack();
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request.raw) chunks.push(chunk as Buffer);
    const echo: EchoBody = { upstream: name, method: request.method, url: request.url, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
    return echo;
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { name, port, app, hanging, close: () => app.close() };
}
