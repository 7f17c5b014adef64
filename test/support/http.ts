/** Small fetch helpers for platform tests. */
export interface SendOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly json?: unknown;
}

export function send(url: string, options: SendOptions = {}): Promise<Response> {
  const headers = { ...options.headers, ...(options.json === undefined ? {} : { 'content-type': 'application/json' }) };
  const body = options.json === undefined ? options.body : JSON.stringify(options.json);
  return fetch(url, { method: options.method ?? 'GET', headers, ...(body === undefined ? {} : { body }) });
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- a typed view of a parsed body, for specs
export async function json<T>(url: string, options: SendOptions = {}): Promise<{ status: number; body: T }> {
  const response = await send(url, options);
  return { status: response.status, body: (await response.json()) as T };
}
