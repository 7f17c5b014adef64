import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { classifyNatsError, decodeNestReply, encodeNestRequest, MESH_HEADERS, readNestReply, timeoutHeaderValue, TransportErrorCode, type ReplyResult } from '@meshway/transport';
import type { Clock, TimerHandle } from '@meshway/clock';
import type { Exchange, UpstreamAttempt } from '../chain/exchange.js';
import type { Next, RouteContext } from '../chain/step.js';
import { GatewayError } from '../gateway.errors.js';
import { headerValue, stripResponseHopByHop } from '../proxy/incoming-headers.js';
import { readBody } from '../proxy/request-body.js';
import { requestEnvelope } from './request-envelope.js';
import { forwardedIdentity } from '../security/route-admission.js';

const EMPTY = Buffer.alloc(0);

/** Ceiling on the extra time NATS itself waits after the gateway's own deadline (so its request always ends). */
const NATS_GRACE_MS = 1_000;

/** A GET without Content-Length or chunking has no body: no need to wait for the request stream to end. */
function hasBody(ex: Exchange): boolean {
  return ex.headers.chunked || (ex.headers.contentLength !== undefined && ex.headers.contentLength !== '0');
}


/** A string body goes out as is when the handler set a non-JSON content type; anything else is JSON. */
function bodyText(result: ReplyResult, contentType: string): string {
  if (result.body === undefined || result.status === 204 || result.status === 304) return '';
  return typeof result.body === 'string' && !contentType.includes('json') ? result.body : JSON.stringify(result.body);
}

function sendReply(ex: Exchange, result: ReplyResult): void {
  const headers: Record<string, string | string[] | undefined> = { ...result.headers };
  stripResponseHopByHop(headers);
  Reflect.deleteProperty(headers, 'content-length');
  const body = bodyText(result, headers['content-type']?.toString() ?? 'application/json');
  if (body !== '') {
    headers['content-type'] ??= 'application/json; charset=utf-8';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  headers['x-request-id'] = ex.requestId;
  const extra = ex.responseHeaders;
  if (extra) for (let i = 0; i < extra.length; i += 2) headers[extra[i] as string] = extra[i + 1];
  if (ex.context.draining()) headers.connection = 'close';
  ex.responseStarted();
  ex.res.writeHead(result.status, headers);
  ex.res.end(body);
}

/** One NATS request of an exchange; nats.js requests cannot be cancelled, so an abandoned one is only ignored. */
class NatsAttempt implements UpstreamAttempt {
  abandoned = false;
  private perTry: TimerHandle;

  constructor(
    private readonly clock: Clock,
    perTryTimeoutMs: number | undefined,
    onPerTryTimeout: (attempt: NatsAttempt) => void,
  ) {
    if (perTryTimeoutMs !== undefined) {
      this.perTry = clock.setTimeout(() => {
        this.perTry = undefined;
        this.abandoned = true;
        onPerTryTimeout(this);
      }, perTryTimeoutMs);
    }
  }

  abort(): void {
    this.abandoned = true;
    this.settled();
  }

  settled(): void {
    if (this.perTry !== undefined) this.clock.clearTimeout(this.perTry);
    this.perTry = undefined;
  }
}

/**
 * The terminal step of a NATS route: the body is read (up to the route's limit) and parsed once, sent as a Nest NATS
 * request on the route's subject, and the reply becomes the HTTP response. Made once per route.
 */
export class NatsForwarder {
  private readonly subject: string;
  private readonly where: string;

  constructor(
    private readonly route: RouteContext,
    private readonly nats: () => NatsConnection | undefined,
  ) {
    this.subject = route.spec.subject ?? '';
    this.where = `${route.spec.service} on "${this.subject}"`;
  }

  readonly run: Next = (ex) => {
    if (ex.done) return;
    ex.attempts++;
    const attempt = new NatsAttempt(this.route.clock, this.route.policies.retries?.perTryTimeoutMs, () => {
      // The member that took it may be gone (killed mid-request): a NATS retry reaches another one of the queue group.
      const error = new GatewayError('MESHWAY_UPSTREAM_TIMEOUT', `${this.where} did not answer within the per-try timeout.`);
      ex.upstream = undefined;
      if (!ex.retry?.retry(ex, { kind: 'timeout', error })) ex.fail(error);
    });
    ex.upstream = attempt;
    this.exchange(ex, attempt).then(
      () => { attempt.settled(); },
      (error: unknown) => {
        attempt.settled();
        if (!attempt.abandoned) this.failed(ex, error);
      },
    );
  };

  private async exchange(ex: Exchange, attempt: NatsAttempt): Promise<void> {
    const nc = this.nats();
    if (!nc || nc.isClosed()) throw new GatewayError('MESHWAY_NATS_UNAVAILABLE', `Route ${this.route.key} needs NATS, and the gateway has no NATS connection.`);
    const payload = encodeEnvelope(this.subject, ex, await this.body(ex));
    const left = ex.remainingMs();
    const headers = natsHeaders();
    headers.set(MESH_HEADERS.requestId, ex.requestId);
    headers.set(MESH_HEADERS.timeout, timeoutHeaderValue(left));
    const traceparent = headerValue(ex.headers.forward, MESH_HEADERS.traceparent);
    if (traceparent !== undefined) headers.set(MESH_HEADERS.traceparent, traceparent);
    // Who is calling, for Nest guards that read NATS headers (`TrustedIdentityGuard`); the envelope's headers carry it too.
    if (ex.identity !== undefined) {
      const identity = forwardedIdentity(ex.identity);
      for (let i = 0; i < identity.length; i += 2) headers.set(identity[i] as string, identity[i + 1] as string);
    }
    const msg = await nc.request(this.subject, payload, { timeout: Math.max(1, left) + NATS_GRACE_MS, headers });
    if (attempt.abandoned || ex.done) return;
    sendReply(ex, readNestReply(decodeNestReply(msg.data), this.route.spec.service));
  }

  /** Read once per exchange, kept for a retry. */
  private async body(ex: Exchange): Promise<Buffer> {
    if (ex.requestBody === undefined) ex.requestBody = hasBody(ex) ? await readBody(ex.req, this.route.spec.bodyLimitBytes) : EMPTY;
    return ex.requestBody;
  }

  private failed(ex: Exchange, error: unknown): void {
    ex.upstream = undefined;
    if (error instanceof GatewayError) {
      ex.fail(error);
      return;
    }
    const failure = classifyNatsError(error, this.where, this.subject);
    const answer = GatewayError.fromTransport(failure.error);
    // A handler that answered with an error is a 5xx answer (its own status, else 500), not a broken connection.
    const handlerError = failure.error.code === TransportErrorCode.UpstreamError;
    const kind = handlerError ? 'status' : failure.kind;
    const status = handlerError ? (failure.error.status ?? 500) : failure.error.status;
    if (!ex.retry?.retry(ex, { kind, error: answer, ...(status === undefined ? {} : { status }) })) ex.fail(answer);
  }
}

/** The Nest packet for this request; a body nested too deeply to encode is the client's error, not NATS being down. */
function encodeEnvelope(subject: string, ex: Exchange, raw: Buffer): Uint8Array {
  try {
    return encodeNestRequest(subject, requestEnvelope(ex, raw), randomUUID());
  } catch (error) {
    if (error instanceof RangeError) throw new GatewayError('MESHWAY_BAD_REQUEST', 'The JSON body is nested too deeply.', { cause: error });
    throw error;
  }
}
