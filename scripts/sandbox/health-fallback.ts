/**
 * Used only when /usr/bin/python3 cannot run the real django-health-check app (no Django on the
 * machine): a tiny HTTP server answering `/ht/?format=json` exactly as django-health-check does
 * when its cache is down — HTTP 500 and one JSON key per check.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const FALLBACK_BODY = {
  'Cache backend: default': 'unavailable: Connection refused (cache server unreachable)',
  DatabaseBackend: 'working',
  DefaultFileStorageHealthCheck: 'working',
  MigrationsHealthCheck: 'working',
};

export async function startHealthFallback(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (!req.url?.startsWith('/ht/')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify(FALLBACK_BODY));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ht/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
