import type { AddressInfo, Server } from 'node:net';

/** Binds a server to 127.0.0.1 (port 0: a free one) and resolves with its base URL. Sandbox servers never bind wider. */
export async function listenOnLoopback(
  server: Server,
  port = 0,
): Promise<{ port: number; url: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return { port: bound, url: `http://127.0.0.1:${bound}` };
}
