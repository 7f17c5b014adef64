import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where the admin API is and how to authenticate: `MESHWAY_ADMIN_URL`, and `GATEWAY_ADMIN_TOKEN` or the token file `npm start` writes. */
export interface AdminTarget {
  readonly url: string;
  readonly token: string | undefined;
}

export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:8081';
/** `npm start` writes the admin token it generated here, so the CLI works against it with no setup. */
export const TOKEN_FILE = join('.meshway', 'admin-token');

export async function adminTarget(env: Readonly<Record<string, string | undefined>>, cwd: string): Promise<AdminTarget> {
  const fromFile = await readFile(join(cwd, TOKEN_FILE), 'utf8').then((text) => text.trim(), () => undefined);
  return { url: (env.MESHWAY_ADMIN_URL ?? DEFAULT_ADMIN_URL).replace(/\/$/, ''), token: env.GATEWAY_ADMIN_TOKEN ?? fromFile };
}

/** A failed admin call, with the API's own error code and message. */
export class AdminError extends Error {
  override readonly name = 'AdminError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Calls the admin API; resolves with the parsed JSON (undefined for 204), rejects with an AdminError carrying the API's code. */
export async function callAdmin(target: AdminTarget, method: string, path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = {};
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${target.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch (error) {
    throw new AdminError(0, 'MESHWAY_CLI_UNREACHABLE', `The gateway admin API at ${target.url} does not answer (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}). Is the platform running (npm start)? Set MESHWAY_ADMIN_URL otherwise.`);
  }
  const text = await res.text();
  const parsed: unknown = text === '' ? undefined : JSON.parse(text);
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new AdminError(res.status, error?.code ?? `HTTP_${res.status}`, error?.message ?? text);
  }
  return parsed;
}
