/** `/api/users/7` with prefix `/api` → `/users/7`; only at a segment boundary (`/apix` keeps its path). */
export function stripPrefix(path: string, prefix: string | undefined): string {
  if (prefix === undefined || prefix === '/' || !path.startsWith(prefix)) return path;
  const rest = path.slice(prefix.length);
  if (rest === '') return '/';
  return rest.startsWith('/') ? rest : path;
}
