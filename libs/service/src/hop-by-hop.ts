/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, never a call, and are not passed on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization']);
/** Connection tokens that name no header. */
const CONNECTION_OPTIONS = new Set(['close', 'keep-alive', 'upgrade']);

/** Header names a `Connection` header lists (besides close/keep-alive/upgrade): hop-by-hop for this message. */
export function connectionNamed(rawHeaders: readonly string[]): Set<string> {
  const named = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] ?? '').toLowerCase() !== 'connection') continue;
    for (const token of (rawHeaders[i + 1] ?? '').toLowerCase().split(',')) {
      const name = token.trim();
      if (name !== '' && !CONNECTION_OPTIONS.has(name)) named.add(name);
    }
  }
  return named;
}

/** True for a (lower-case) header that is not end-to-end: hop-by-hop, `proxy-*`, or one `Connection` names. */
export function isHopByHop(name: string, named: ReadonlySet<string>): boolean {
  return HOP_BY_HOP.has(name) || name.startsWith('proxy-') || named.has(name);
}

/** Removes hop-by-hop headers from (lower-case) response headers, in place: a handler cannot set them for HTTP. */
export function stripHopByHop(headers: Record<string, string>): void {
  const named = connectionNamed(['connection', headers.connection ?? '']);
  for (const name of Object.keys(headers)) if (isHopByHop(name, named)) Reflect.deleteProperty(headers, name);
}
