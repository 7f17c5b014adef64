import { connect, type Socket } from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * One blocking-query watcher on a raw keep-alive socket. A thousand node:http clients in one process
 * cost more than the registry being measured, so this speaks just enough HTTP/1.1: send a GET, read
 * the header block, take X-Consul-Index and Content-Length, skip the body, record when it completed.
 */
export class RawWatcher {
  private readonly socket: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private index: number;
  private stopped = false;

  constructor(
    private readonly host: string,
    port: number,
    private readonly path: string,
    start: number,
    /** Called with the new index and the time its answer was complete. */
    private readonly onAnswer: (index: number, at: number) => void,
  ) {
    this.index = start;
    this.socket = connect({ host, port, noDelay: true });
    this.socket.on('connect', () => {
      this.send();
    });
    this.socket.on('data', (chunk: Buffer) => {
      this.receive(chunk);
    });
    this.socket.on('error', () => undefined);
  }

  stop(): void {
    this.stopped = true;
    this.socket.destroy();
  }

  private send(): void {
    if (this.stopped) return;
    this.socket.write(`GET ${this.path}?index=${this.index}&wait=5m HTTP/1.1\r\nHost: ${this.host}\r\n\r\n`);
  }

  private receive(chunk: Buffer): void {
    const at = performance.now();
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf(HEADER_END);
      if (end === -1) return;
      const head = this.buffer.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      const total = end + HEADER_END.length + length;
      if (this.buffer.length < total) return;
      this.buffer = this.buffer.subarray(total);
      const index = Number(/\r\nx-consul-index:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (index > this.index) {
        this.index = index;
        this.onAnswer(index, at);
      }
      this.send();
    }
  }
}
