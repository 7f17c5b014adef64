import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

/** Options of {@link TestIssuer.start}. */
export interface TestIssuerOptions {
  /** `iss` of its tokens. Default `https://issuer.test`. */
  readonly issuer?: string;
  /** `aud` of its tokens. Default `meshway`. */
  readonly audience?: string;
  /** Signing algorithm (an asymmetric one: its public key is served). Default `RS256`. */
  readonly alg?: string;
  /** `kid` of its key. Default `test-key-1`. */
  readonly kid?: string;
}

/**
 * A JWT issuer for tests: a key pair made for the run, its JWKS served on 127.0.0.1 port 0, and `sign()` for tokens.
 * Never a committed key. `auth()` gives the routes-file `auth.jwt[]` entry that trusts it.
 */
export class TestIssuer {
  private constructor(
    private readonly server: Server,
    private readonly privateKey: CryptoKey,
    /** The public key as served in the JWKS (kid, alg, use set). */
    readonly publicJwk: JWK,
    /** The public key as a SPKI PEM (for `publicKeyFile` configurations). */
    readonly publicPem: string,
    readonly issuer: string,
    readonly audience: string,
    readonly alg: string,
    readonly kid: string,
  ) {}

  static async start(options: TestIssuerOptions = {}): Promise<TestIssuer> {
    const alg = options.alg ?? 'RS256';
    const kid = options.kid ?? 'test-key-1';
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    const body = JSON.stringify({ keys: [publicJwk] });
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new TestIssuer(server, privateKey, publicJwk, await exportSPKI(publicKey), options.issuer ?? 'https://issuer.test', options.audience ?? 'meshway', alg, kid);
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
  }

  /** The `auth.jwt[]` entry of a routes file that trusts this issuer through its JWKS. */
  auth(): { issuer: string; audiences: string[]; algorithms: string[]; jwksUrl: string } {
    return { issuer: this.issuer, audiences: [this.audience], algorithms: [this.alg], jwksUrl: this.jwksUrl };
  }

  /**
   * A token for `sub` with `scope`, valid for an hour; `claims` override or add (`{ exp: … }` to expire it), `header`
   * adds to the protected header.
   */
  sign(sub: string, scope: string, claims: JWTPayload = {}, header: Record<string, unknown> = {}): Promise<string> {
    return new SignJWT(this.claims(sub, scope, claims))
      .setProtectedHeader({ alg: this.alg, kid: this.kid, ...header })
      .sign(this.privateKey);
  }

  /** The claims `sign()` puts in a token, for tokens made some other way (`rawToken`, `signHmac`). */
  claims(sub: string, scope: string, claims: JWTPayload = {}): JWTPayload {
    const now = Math.floor(Date.now() / 1000);
    return { iss: this.issuer, aud: this.audience, sub, scope, iat: now, exp: now + 3600, ...claims };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token assembled by hand — any header, any payload, any signature — for attack inputs (`alg: none`, tampering). */
export function rawToken(header: Record<string, unknown>, claims: JWTPayload, signature = ''): string {
  return `${b64(header)}.${b64(claims)}.${signature}`;
}

/** A token signed with an HMAC `secret` (HS256 unless `alg` says otherwise): for key-confusion attacks and HS issuers. */
export function signHmac(secret: string | Uint8Array, claims: JWTPayload, header: Record<string, unknown> = {}, alg = 'HS256'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, ...header }).sign(typeof secret === 'string' ? new TextEncoder().encode(secret) : secret);
}
