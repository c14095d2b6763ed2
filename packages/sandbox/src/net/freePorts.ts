import net from 'node:net';

/**
 * Asks the kernel for `count` distinct free loopback ports. All listeners are
 * held open together so the ports differ, then closed for the caller to bind.
 */
export async function findFreePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map(server => (server.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(
      servers.map(
        server =>
          new Promise<void>(resolve => {
            if (server.listening) server.close(() => resolve());
            else resolve();
          }),
      ),
    );
  }
}
