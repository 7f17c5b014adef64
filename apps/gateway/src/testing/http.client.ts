import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface TestResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- a typed view of the parsed body, for specs
  json<T = unknown>(): T;
}

export interface TestRequest {
  readonly method?: string;
  readonly headers?: Record<string, string | number | string[]>;
  readonly body?: string | Buffer;
}

/**
 * A plain node:http request: fetch refuses hop-by-hop headers, and a URL object would resolve `..`
 * segments that specs must send as they are. No keep-alive.
 */
export function send(url: string, init: TestRequest = {}): Promise<TestResponse> {
  const [, hostname = '', port = '', path = '/'] = /^http:\/\/([^:/]+):(\d+)(.*)$/.exec(url) ?? [];
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- see TestResponse.json
        const json = <T>(): T => JSON.parse(text) as T;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
