import { connect } from 'node:net';

/** How long to wait for the rest of a response once its head arrived but its length says nothing. */
const HEAD_GRACE_MS = 200;

/** The first response on one raw connection: its status (0 when none came) and body. */
export interface RawReply {
  readonly status: number;
  readonly body: string;
}

/**
 * Writes `request` byte for byte on a fresh TCP connection (nothing normalises it first, unlike fetch)
 * and reads the first response. Resolves, never rejects: when the response is complete, when the
 * server closes, or after `timeoutMs` (a blocked or unanswered request), with what arrived. With
 * `halfClose`, the client ends its side after writing (Node's server then drops requests still being
 * answered, so only use it for bytes that are not meant to form a request).
 */
export function rawExchange(port: number, request: Buffer, timeoutMs = 2_000, halfClose = false): Promise<RawReply> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let raw = '';
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      socket.destroy();
      resolve(parse(raw));
    };
    const timer = setTimeout(settle, timeoutMs);
    socket.setEncoding('latin1');
    let grace: NodeJS.Timeout | undefined;
    socket.on('data', (chunk: string) => {
      raw += chunk;
      if (complete(raw)) settle();
      // A head without a usable length (an answer to HEAD, Node's own 417): take it after a short grace.
      else if (!grace && headOf(raw)) grace = setTimeout(settle, HEAD_GRACE_MS);
    });
    socket.on('error', () => undefined);
    socket.on('close', settle);
    if (halfClose) socket.end(request);
    else socket.write(request);
  });
}

/** A request head (and body) as bytes; `Host` first unless the headers already name one. */
export function http11(method: string, target: string, headers: readonly (readonly [string, string])[] = [], body: Buffer | string = ''): Buffer {
  const bytes = Buffer.from(body);
  const host = headers.some(([name]) => name.toLowerCase() === 'host') ? [] : ['Host: 127.0.0.1'];
  const length = headers.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name)) ? [] : [`Content-Length: ${bytes.length}`];
  const lines = [`${method} ${target} HTTP/1.1`, ...host, ...length, ...headers.map(([name, value]) => `${name}: ${value}`)];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), bytes]);
}

function headOf(raw: string): { status: number; length: number | undefined; bodyStart: number } | undefined {
  const text = raw.replace(/^(?:HTTP\/1\.[01] 1\d\d [^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n)+/, '');
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const head = text.slice(0, end);
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0), length: length === undefined ? undefined : Number(length), bodyStart: raw.length - text.length + end + 4 };
}

function complete(raw: string): boolean {
  const head = headOf(raw);
  return head?.length !== undefined && raw.length - head.bodyStart >= head.length;
}

function parse(raw: string): RawReply {
  const head = headOf(raw);
  if (!head) return { status: 0, body: '' };
  return { status: head.status, body: raw.slice(head.bodyStart, head.length === undefined ? undefined : head.bodyStart + head.length) };
}
