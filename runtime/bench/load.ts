import net from 'node:net';
/**
 * Runs `clients` concurrent loops of `op` for `seconds`, returning operations per second.
 * Any failed operation aborts the measurement: a benchmark of errors measures nothing.
 *
 * @example
 * ```ts
 * const perSecond = await measure(8, 5, async (client, i) => { await fetch(url); });
 * ```
 */
export async function measure(clients: number, seconds: number, op: (client: number, i: number) => Promise<void>): Promise<{ perSecond: number; count: number }> {
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let count = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      let i = 0;
      while (performance.now() < deadline) {
        await op(client, i++);
        count++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: count / elapsed, count };
}

/**
 * A lean HTTP/1.1 load client, in the spirit of wrk or pgbench's own client: each virtual client
 * owns one keep-alive TCP connection and writes its request as one string; the response is read
 * until its headers and Content-Length bytes of body are in. It costs the machine (which the
 * server and the database share) a fraction of what `fetch` or node:http cost per request, so the
 * benchmark measures the server rather than the load generator. Responses must carry a
 * Content-Length (the runtime's JSON responses do); anything else fails the request.
 *
 * @example
 * ```ts
 * const client = leanClient(server.url, 8);
 * const { status, text } = await client(0, 'POST', '/api/deals/1/transitions', { authorization }, JSON.stringify({ to: 'b' }));
 * ```
 */
export function leanClient(base: string, connections: number): (connection: number, method: string, path: string, headers: Record<string, string>, body?: string) => Promise<{ status: number; text: string }> {
  const url = new URL(base);
  const sockets: Array<Promise<Connection> | undefined> = Array.from({ length: connections }, () => undefined);
  // A connection the server closed while idle (its keep-alive timeout runs out between rounds)
  // is opened again before the next request.
  const open = async (i: number): Promise<Connection> => {
    const current = await (sockets[i] ??= Connection.open(url.hostname, Number(url.port)));
    // Node closes a keep-alive connection after 5 s without a request; one idle for 4 s is
    // replaced rather than raced against that close (the request would be lost in between).
    if (!current.closed && performance.now() - current.lastUsed < 4000) return current;
    current.destroy();
    sockets[i] = undefined;
    return open(i);
  };
  return async (i, method, path, headers, body) => {
    const connection = await open(i);
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${url.host}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    if (body !== undefined) head += `content-length: ${Buffer.byteLength(body)}\r\n`;
    return connection.request(`${head}\r\n${body ?? ''}`);
  };
}

class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: { status: number; text: string }) => void; reject: (e: Error) => void } | undefined;
  /** The server closed the connection (or it failed): it takes no more requests. */
  closed = false;
  /** When the last response ended (or the connection opened), from performance.now(). */
  lastUsed = performance.now();

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    const fail = (err: Error) => {
      this.closed = true;
      this.waiting?.reject(err);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static open(host: string, port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => resolve(new Connection(socket)));
      socket.once('error', reject);
    });
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  request(text: string): Promise<{ status: number; text: string }> {
    if (this.waiting) return Promise.reject(new Error('one request at a time per connection'));
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(text);
    });
  }

  private drain(): void {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const head = this.buffer.subarray(0, end).toString('latin1');
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) {
      this.waiting.reject(new Error(`response without Content-Length: ${head.slice(0, 200)}`));
      return;
    }
    const total = end + 4 + Number(length[1]);
    if (this.buffer.length < total) return;
    const status = Number(head.slice(9, 12));
    const text = this.buffer.subarray(end + 4, total).toString('utf8');
    this.buffer = this.buffer.subarray(total);
    const { resolve } = this.waiting;
    this.waiting = undefined;
    this.lastUsed = performance.now();
    resolve({ status, text });
  }
}
