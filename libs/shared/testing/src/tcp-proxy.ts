import { createServer, connect as connectTcp, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real service, for network faults a test controls: `cut()` drops every
 * connection and refuses new ones until `restore()`; `blackhole()` keeps connections open but
 * stops passing bytes (a half-dead network: the client only notices through heartbeats or a cut);
 * `hold()` delays every byte until `release()` (a slow network: nothing is lost);
 * `dropFromClient()` passes the service's bytes but drops the client's (a client that goes on
 * working on what it receives while what it sends back is lost).
 */
export class TcpFaultProxy {
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private refusing = false;
  private silent = false;
  private clientMuted = false;
  private holding = false;
  private accepted = 0;
  private dropped = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpFaultProxy> {
    let proxy: TcpFaultProxy | null = null;
    const server = createServer((client) => proxy?.accept(client, target));
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
    proxy = new TcpFaultProxy(server, port);
    return proxy;
  }

  /** For a URL like amqp://user:pass@host:5672/vhost (or postgres://, redis://), the same URL through this proxy. */
  static targetOf(url: string): { host: string; port: number } {
    const parsed = new URL(url);
    const defaults: Record<string, number> = {
      'amqp:': 5672,
      'amqps:': 5671,
      'postgres:': 5432,
      'postgresql:': 5432,
      'redis:': 6379,
    };
    return {
      host: parsed.hostname,
      port: parsed.port === '' ? (defaults[parsed.protocol] ?? 0) : Number(parsed.port),
    };
  }

  urlFor(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  /** Connections currently passing through. */
  get openConnections(): number {
    return this.pairs.size;
  }

  /** Connections accepted (and forwarded) since the start. */
  get acceptedConnections(): number {
    return this.accepted;
  }

  /** Bytes swallowed by blackhole() or dropFromClient() since the start, both ways. */
  get droppedBytes(): number {
    return this.dropped;
  }

  /** Drops every connection at once and refuses new ones until restore(). */
  cut(): void {
    this.refusing = true;
    this.silent = false;
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  /** Keeps connections open but lets no byte through, either way (lost bytes stay lost). */
  blackhole(): void {
    this.silent = true;
  }

  /** Lets the service's bytes reach the client but drops what the client sends, until restore(). */
  dropFromClient(): void {
    this.clientMuted = true;
  }

  /** Keeps every byte, both ways, until release(); connections stay open. */
  hold(): void {
    this.holding = true;
    for (const { client, upstream } of this.pairs) {
      client.pause();
      upstream.pause();
    }
  }

  /** Lets held bytes through, in order. */
  release(): void {
    this.holding = false;
    for (const { client, upstream } of this.pairs) {
      client.resume();
      upstream.resume();
    }
  }

  /** Accepts and forwards connections again (and releases held ones). */
  restore(): void {
    this.refusing = false;
    this.silent = false;
    this.clientMuted = false;
    this.release();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, target: { host: string; port: number }): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    this.accepted += 1;
    const upstream = connectTcp(target.port, target.host);
    const pair = { client, upstream };
    this.pairs.add(pair);
    if (this.holding) {
      client.pause();
      upstream.pause();
    }
    const drop = (): void => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (this.silent || this.clientMuted) {
        this.dropped += chunk.length;
      } else {
        upstream.write(chunk);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (this.silent) {
        this.dropped += chunk.length;
      } else {
        client.write(chunk);
      }
    });
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
  }
}
