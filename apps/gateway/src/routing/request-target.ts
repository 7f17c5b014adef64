import { GatewayError } from '../gateway.errors.js';

/** A request target split and made safe to route on. */
export interface RequestTarget {
  /** Normalised path, still percent-encoded: no `.`/`..` segments, no empty segments. */
  readonly path: string;
  /** The query string including its `?`, or `''`. */
  readonly search: string;
}

const DOT = /^(?:\.|%2e)$/i;
const DOT_DOT = /^(?:\.|%2e){2}$/i;

function badRequest(message: string): GatewayError {
  return new GatewayError('MESHWAY_BAD_REQUEST', message);
}

/** Only paths that might hold a dot segment, an empty segment, an escape or a backslash take the slow road. */
function needsNormalising(path: string): boolean {
  return path.includes('/.') || path.includes('//') || path.includes('%') || path.includes('\\');
}

/**
 * Resolves `.` and `..` (also percent-encoded ones) and collapses `//`, so a route is matched on the
 * path the upstream will really see: `/api/users/../admin` is routed as `/api/admin`, never forwarded
 * inside the `/api/users` route. A `..` above the root, a backslash or bad percent-encoding is a 400.
 */
function normalise(path: string): string {
  if (path.includes('\\')) throw badRequest('The path contains a backslash.');
  if (path.includes('%')) {
    try {
      decodeURIComponent(path);
    } catch {
      throw badRequest('The path has malformed percent-encoding.');
    }
  }
  const out: string[] = [];
  const segments = path.split('/');
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    if (DOT_DOT.test(segment)) {
      if (out.pop() === undefined) throw badRequest('The path climbs above the root with "..".');
    } else if (segment !== '' && !DOT.test(segment)) {
      out.push(segment);
    }
  }
  const last = segments[segments.length - 1] ?? '';
  const trailingSlash = out.length > 0 && (last === '' || DOT.test(last) || DOT_DOT.test(last));
  return `/${out.join('/')}${trailingSlash ? '/' : ''}`;
}

/** Parses `req.url` (origin-form only: `/path?query`). */
export function parseRequestTarget(url: string | undefined): RequestTarget {
  if (url === undefined || url.charCodeAt(0) !== 47 /* "/" */) {
    throw badRequest('The request target must be a path starting with "/".');
  }
  const q = url.indexOf('?');
  const raw = q === -1 ? url : url.slice(0, q);
  const search = q === -1 ? '' : url.slice(q);
  return { path: needsNormalising(raw) ? normalise(raw) : raw, search };
}
