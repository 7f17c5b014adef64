import { Agent, interceptors, request, type Dispatcher } from 'undici';
import type { ProbeResult, ProbeTarget } from './probe.types.js';

/** Consul keeps at most 4 KiB of a check's output. */
const MAX_BODY_BYTES = 4096;

const dispatchers = new Map<boolean, Dispatcher>();

/** One connection pool per TLS mode; redirects are followed (up to 10), as Consul does. */
function dispatcher(skipVerify: boolean): Dispatcher {
  let found = dispatchers.get(skipVerify);
  if (!found) {
    found = new Agent({ connect: { rejectUnauthorized: !skipVerify } }).compose(interceptors.redirect({ maxRedirections: 10 }));
    dispatchers.set(skipVerify, found);
  }
  return found;
}

/** Consul's HTTP check: 2xx passing, 429 warning, anything else (or no answer) critical, with the output text. */
export async function probeHttp(target: ProbeTarget, signal: AbortSignal): Promise<ProbeResult> {
  const url = target.url ?? '';
  const method = target.method ?? 'GET';
  const label = `HTTP ${method} ${url}`;
  try {
    const response = await request(url, {
      method,
      headers: headers(target.header),
      ...(target.body === undefined || target.body === '' ? {} : { body: target.body }),
      signal,
      dispatcher: dispatcher(target.tlsSkipVerify ?? false),
    });
    const body = await readCapped(response.body);
    const output = `${label}: ${response.statusCode} ${reason(response.statusCode)} Output: ${body}`;
    if (response.statusCode >= 200 && response.statusCode < 300) return { status: 'passing', output };
    if (response.statusCode === 429) return { status: 'warning', output };
    return { status: 'critical', output };
  } catch (error) {
    return { status: 'critical', output: `${label}: ${describe(error, signal)}` };
  }
}

function headers(header: ProbeTarget['header']): Record<string, string | string[]> {
  const given = Object.entries(header ?? {}).map(([name, values]): [string, string[]] => [name.toLowerCase(), [...values]]);
  return Object.fromEntries([['user-agent', 'Consul Health Check'], ['accept', 'text/plain, text/*, */*'], ...given]) as Record<string, string | string[]>;
}

async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    if (size < MAX_BODY_BYTES) chunks.push(buffer.subarray(0, MAX_BODY_BYTES - size));
    size += buffer.length;
    if (size >= MAX_BODY_BYTES) break;
  }
  if (size >= MAX_BODY_BYTES) body.destroy();
  return Buffer.concat(chunks).toString('utf8');
}

function describe(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'request timed out (the check Timeout elapsed)';
  const err = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = err.code ?? err.cause?.code;
  if (code === undefined || err.message.includes(code)) return err.message;
  return `${code}: ${err.message}`;
}

const REASONS: Readonly<Record<number, string>> = { 200: 'OK', 201: 'Created', 204: 'No Content', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable', 404: 'Not Found' };

function reason(status: number): string {
  return REASONS[status] ?? '';
}
