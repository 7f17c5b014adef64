import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '@meshway/clock';
import { GatewayError } from '../gateway.errors.js';
import { silentLogger } from '../gateway.logger.js';
import { GatewayMetrics } from '../metrics/gateway.metrics.js';
import { readIncomingHeaders } from '../proxy/incoming-headers.js';
import { InflightTracker } from '../proxy/inflight.tracker.js';
import { send } from '../testing/http.client.js';
import { compileChain } from './chain.compiler.js';
import { Exchange } from './exchange.js';
import type { Next, Step } from './step.js';

let server: Server | undefined;

/** A real HTTP server whose every request runs `chain`: the chain's contract seen from a client. */
async function serve(run: Next): Promise<string> {
  const context = { clock: systemClock, logger: silentLogger, inflight: new InflightTracker(), unmatched: new GatewayMetrics().recorder('unmatched', ''), draining: () => false, clientIp: (remote: string | undefined) => remote };
  server = createServer((req, res) => {
    const ex = new Exchange(req, res, readIncomingHeaders(req.rawHeaders), 'req-1', systemClock.monotonic(), context);
    try {
      run(ex);
    } catch (error) {
      ex.failWith(error);
    }
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

const answer: Next = (ex) => {
  ex.res.writeHead(200, { 'content-type': 'text/plain' });
  ex.res.end((ex.responseHeaders ?? []).join(' '));
};

/** A step that notes its name in the response headers list, so the body shows the order steps ran in. */
const note = (name: string) => (ex: Exchange, next: Next): void => {
  (ex.responseHeaders ??= []).push(name);
  next(ex);
};

describe('compiled chain', () => {
  it('runs the steps in order, then the terminal, and lists them', async () => {
    const chain = compileChain([{ name: 'a', step: note('a') }, { name: 'b', step: note('b') }], { name: 'answer', run: answer });
    expect(chain.steps).toEqual(['a', 'b', 'answer']);
    expect((await send(await serve(chain.run))).text).toBe('a b');
  });

  it('lets a step wait (return a Promise) and then pass the exchange on', async () => {
    const waits: Step = async (ex, next) => {
      await new Promise((resolve) => setImmediate(resolve));
      note('after-wait')(ex, next);
    };
    const chain = compileChain([{ name: 'waits', step: waits }], { name: 'answer', run: answer });
    expect((await send(await serve(chain.run))).text).toBe('after-wait');
  });

  it('answers a GatewayError a step throws, synchronously or after waiting, with its status and JSON body', async () => {
    const refuses: Step = () => {
      throw new GatewayError('MESHWAY_BAD_REQUEST', 'No.');
    };
    const refusesLater: Step = async () => {
      await Promise.resolve();
      throw new GatewayError('MESHWAY_NO_INSTANCE', 'Nobody.');
    };
    for (const [step, status, code] of [[refuses, 400, 'MESHWAY_BAD_REQUEST'], [refusesLater, 503, 'MESHWAY_NO_INSTANCE']] as const) {
      const url = await serve(compileChain([{ name: 'x', step }], { name: 'answer', run: answer }).run);
      const res = await send(url);
      expect(res.status).toBe(status);
      expect(res.json()).toEqual({ error: { code, message: expect.any(String) as string, requestId: 'req-1' } });
      await new Promise((resolve) => server?.close(resolve));
    }
  });

  it('answers anything else a waiting step throws as a 500, never leaving the client hanging', async () => {
    const broken: Step = async () => {
      await Promise.resolve();
      throw new TypeError('bug');
    };
    const res = await send(await serve(compileChain([{ name: 'broken', step: broken }], { name: 'answer', run: answer }).run));
    expect(res.status).toBe(500);
    expect(res.json()).toMatchObject({ error: { code: 'MESHWAY_INTERNAL_ERROR' } });
  });

  it('adds the headers steps staged to an error response too', async () => {
    const limited: Step = (ex) => {
      ex.responseHeaders = ['ratelimit-remaining', '0'];
      throw new GatewayError('MESHWAY_BAD_REQUEST', 'No.');
    };
    const res = await send(await serve(compileChain([{ name: 'limited', step: limited }], { name: 'answer', run: answer }).run));
    expect(res.headers['ratelimit-remaining']).toBe('0');
  });
});
