import { connect } from 'node:net';

/** What came back on one raw connection. */
export interface RawReply {
  /** Status of the first response, 0 when none arrived. */
  readonly status: number;
  /** Headers of the first response, lower-case names (a repeated header keeps its last value). */
  readonly headers: Readonly<Record<string, string>>;
  /** Body of the first response (by its Content-Length, else whatever followed the head). */
  readonly body: string;
  /** How many response status lines arrived (more than one after a smuggling attempt means a second request ran). */
  readonly responses: number;
  /** True when the server closed the connection (FIN or reset) before `closeWaitMs` ran out. */
  readonly closed: boolean;
  /** The socket error, if any (e.g. EPIPE when the server stopped reading a body it refused). */
  readonly error: string | undefined;
}

export interface RawOptions {
  /** After a complete first response, how long to wait for the server to close (0: do not wait). */
  readonly closeWaitMs?: number;
  /** Give up on the exchange after this long (the reply then has what arrived so far). */
  readonly timeoutMs?: number;
}

/** Bytes exactly as written, so nothing (fetch, URL parsing) normalises the attack before the gateway sees it. */
export type RawRequest = string | Buffer | readonly (string | Buffer)[];

interface Head {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly bodyStart: number;
}

/** Interim 1xx responses (e.g. `100 Continue`) come before the real one: skip them. */
function withoutInterim(raw: string): string {
  return raw.replace(/^(?:HTTP\/1\.[01] 1\d\d [^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n)+/, '');
}

function parseHead(raw: string): Head | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine = '', ...lines] = raw.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, bodyStart: end + 4 };
}

/** The first response is complete once its Content-Length worth of body arrived (or its chunked body ended). */
function complete(raw: string, head: Head): boolean {
  const length = head.headers['content-length'];
  if (length !== undefined) return raw.length - head.bodyStart >= Number(length);
  return raw.endsWith('0\r\n\r\n');
}

function replyOf(received: string, closed: boolean, error: string | undefined): RawReply {
  const raw = withoutInterim(received);
  const head = parseHead(raw);
  const length = head?.headers['content-length'];
  const body = head ? raw.slice(head.bodyStart, length === undefined ? undefined : head.bodyStart + Number(length)) : '';
  return { status: head?.status ?? 0, headers: head?.headers ?? {}, body, responses: raw.match(/(?:^|\r\n)HTTP\/1\.[01] \d{3} /g)?.length ?? 0, closed, error };
}

/**
 * Writes `request` on a fresh TCP connection to `origin` (`http://host:port`) and reads what comes back.
 * Resolves (never rejects) when the server closes, when the first response is complete and the server
 * kept the connection open for `closeWaitMs`, or at `timeoutMs`.
 */
export function rawExchange(origin: string, request: RawRequest, options: RawOptions = {}): Promise<RawReply> {
  const { hostname, port } = new URL(origin);
  const closeWaitMs = options.closeWaitMs ?? 0;
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let raw = '';
    let error: string | undefined;
    let settled = false;
    let closeWait: NodeJS.Timeout | undefined;
    const settle = (closed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      clearTimeout(closeWait);
      socket.destroy();
      resolve(replyOf(raw, closed, error));
    };
    const timeout = setTimeout(() => { settle(false); }, options.timeoutMs ?? 10_000);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      raw += chunk;
      const final = withoutInterim(raw);
      const head = parseHead(final);
      if (!head || !complete(final, head) || closeWait) return;
      if (closeWaitMs === 0) settle(false);
      else closeWait = setTimeout(() => { settle(false); }, closeWaitMs);
    });
    socket.on('error', (e: NodeJS.ErrnoException) => { error = e.code ?? e.message; });
    socket.on('close', () => { settle(true); });
    for (const part of Array.isArray(request) ? request : [request]) socket.write(part as string | Buffer);
  });
}

/** An HTTP/1.1 request head (+ body) as bytes; `Host` first unless `host: false`. */
export function http11(method: string, target: string, headers: readonly (readonly [string, string])[] = [], options: { body?: string | Buffer; host?: boolean } = {}): Buffer {
  const lines = [`${method} ${target} HTTP/1.1`, ...(options.host === false ? [] : ['Host: 127.0.0.1']), ...headers.map(([name, value]) => `${name}: ${value}`)];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(options.body ?? '')]);
}

/** A chunked body of `size` bytes of `fill`, in 64 KiB chunks, with its terminating zero chunk. */
export function chunkedBody(size: number, fill = 'a'): Buffer {
  const parts: Buffer[] = [];
  for (let left = size; left > 0; left -= 65_536) {
    const n = Math.min(left, 65_536);
    parts.push(Buffer.from(`${n.toString(16)}\r\n${fill.repeat(n)}\r\n`));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}
