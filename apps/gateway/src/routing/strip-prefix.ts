/** `/api/users/7` with prefix `/api` → `/users/7`; only at a segment boundary (`/apix` keeps its path). */
export function stripPrefix(path: string, prefix: string | undefined): string {
  if (prefix === undefined || prefix === '/' || !path.startsWith(prefix)) return path;
  const rest = path.slice(prefix.length);
  if (rest === '') return '/';
  return rest.startsWith('/') ? rest : path;
}

/**
 * Services keep `/_meshway/…` for the mesh itself (a NATS service in HTTP mode serves its patterns at `/_meshway/rpc`):
 * no route forwards there, however broad (`* /api/*`) or however the segment is spelled (`%5Fmeshway`).
 */
export function isServiceInternal(path: string): boolean {
  const first = path.slice(1, path.indexOf('/', 1) === -1 ? undefined : path.indexOf('/', 1));
  return first === '_meshway' || (first.includes('%') && first.toLowerCase().replace(/%5f/g, '_') === '_meshway');
}
