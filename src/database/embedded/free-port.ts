import net from 'node:net';

const HOST = '127.0.0.1';
/** A system PostgreSQL may own it, and clients would reach that one by default. */
const SYSTEM_PORT = 5432;

/** The remembered port when it is still free, so URLs stay stable across restarts; else a fresh one. */
export async function choosePort(remembered: number | undefined): Promise<number> {
  if (remembered && remembered !== SYSTEM_PORT && (await tryListen(remembered)) !== undefined) return remembered;
  for (;;) {
    const port = await tryListen(0);
    if (port !== undefined && port !== SYSTEM_PORT) return port;
  }
}

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ host: HOST, port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}
