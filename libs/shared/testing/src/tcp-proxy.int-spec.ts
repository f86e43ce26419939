import { connect, createServer, type Server, type Socket } from 'node:net';

import { TcpFaultProxy } from './tcp-proxy';
import { waitFor } from './wait-for';

/** A server that answers every chunk with `echo:<chunk>` and keeps what it received. */
async function startEchoServer(): Promise<{
  server: Server;
  port: number;
  received: string[];
  sockets: Socket[];
}> {
  const received: string[] = [];
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk.toString());
      socket.write(`echo:${chunk.toString()}`);
    });
    socket.on('error', () => undefined);
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
  return { server, port, received, sockets };
}

async function connectThrough(proxy: TcpFaultProxy): Promise<{ socket: Socket; heard: string[] }> {
  const heard: string[] = [];
  const socket = connect(proxy.port, '127.0.0.1');
  socket.on('data', (chunk: Buffer) => heard.push(chunk.toString()));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, heard };
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 200));

describe(TcpFaultProxy.name, () => {
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let proxy: TcpFaultProxy;
  let client: Awaited<ReturnType<typeof connectThrough>>;

  beforeEach(async () => {
    echo = await startEchoServer();
    proxy = await TcpFaultProxy.start({ host: '127.0.0.1', port: echo.port });
    client = await connectThrough(proxy);
  });

  afterEach(async () => {
    client.socket.destroy();
    await proxy.close();
    await new Promise<void>((resolve) => echo.server.close(() => resolve()));
  });

  it('passes bytes both ways and counts none dropped', async () => {
    client.socket.write('a');
    await waitFor(() => client.heard.join('') === 'echo:a', { description: 'the echo' });
    expect(proxy.droppedBytes).toBe(0);
    expect(proxy.openConnections).toBe(1);
  });

  it('drops only what the client sends after dropFromClient(), until restore()', async () => {
    proxy.dropFromClient();
    client.socket.write('lost');
    await settle();
    expect(echo.received).toEqual([]);
    expect(proxy.droppedBytes).toBe(4);
    proxy.restore();
    client.socket.write('b');
    await waitFor(() => client.heard.join('') === 'echo:b', { description: 'the echo after' });
    expect(echo.received).toEqual(['b']);
  });

  it('passes what the service sends while the client is muted (deliveries in, acks lost)', async () => {
    const upstream = await waitFor(() => echo.sockets[0], { description: 'the upstream' });
    proxy.dropFromClient();
    upstream.write('delivery');
    await waitFor(() => client.heard.join('') === 'delivery', { description: 'the delivery' });
  });

  it('passes nothing either way in a blackhole, and keeps the connection', async () => {
    proxy.blackhole();
    client.socket.write('void');
    await settle();
    expect(echo.received).toEqual([]);
    expect(client.heard).toEqual([]);
    expect(proxy.openConnections).toBe(1);
    proxy.restore();
    client.socket.write('c');
    await waitFor(() => client.heard.join('') === 'echo:c', { description: 'the echo after' });
  });

  it('cuts every connection and refuses new ones until restore()', async () => {
    const closed = new Promise<void>((resolve) => client.socket.once('close', () => resolve()));
    proxy.cut();
    await closed;
    const refused = connect(proxy.port, '127.0.0.1');
    await new Promise<void>((resolve) => {
      refused.on('error', () => resolve());
      refused.on('close', () => resolve());
    });
    expect(proxy.acceptedConnections).toBe(1);
    proxy.restore();
    const again = await connectThrough(proxy);
    again.socket.write('d');
    await waitFor(() => again.heard.join('') === 'echo:d', { description: 'the echo after' });
    again.socket.destroy();
  });
});
