/**
 * Local HTTP/HTTPS servers that misbehave the way real health endpoints do: hang, answer slowly,
 * refuse connections, present bad certificates, redirect in circles, answer HTML or 20 MB, demand
 * a token. No test-framework globals: also usable from benchmarks.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import net from 'node:net';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

export interface TestServer {
  /** `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`. */
  origin: string;
  url(path?: string): string;
  requests: SeenRequest[];
  stop(): Promise<void>;
}

async function listen(server: http.Server, origin: (port: number) => string): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  server.prependListener('request', (req: http.IncomingMessage) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = origin((server.address() as AddressInfo).port);
  return {
    origin: base,
    url: (path = '/ht/?format=json') => `${base}${path}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function startHttpServer(handler: Handler): Promise<TestServer> {
  return listen(http.createServer(handler), (port) => `http://127.0.0.1:${port}`);
}

/** HTTPS on 127.0.0.1, addressed as `https://127.0.0.1:PORT` (the certificates name localhost and 127.0.0.1). */
export function startHttpsServer(
  credentials: { cert: string; key: string },
  handler: Handler,
): Promise<TestServer> {
  const server = https.createServer(credentials, handler);
  server.on('tlsClientError', () => undefined);
  return listen(server, (port) => `https://127.0.0.1:${port}`);
}

/** A URL on a port where nothing listens (bound, then closed). */
export async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/ht/?format=json`;
}

export const HEALTHY_BODY = {
  'Cache backend: default': 'working',
  DatabaseBackend: 'working',
  DefaultFileStorageHealthCheck: 'working',
  MigrationsHealthCheck: 'working',
};

export function json(status: number, body: unknown): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
}

/** Accepts the request and never answers. */
export const hang: Handler = () => undefined;

/** Answers `body` after `delayMs`. */
export function slow(delayMs: number, handler: Handler = json(200, HEALTHY_BODY)): Handler {
  return (req, res) => {
    const timer = setTimeout(() => handler(req, res), delayMs);
    res.on('close', () => clearTimeout(timer));
  };
}

/** /a → /b → /a → ... */
export const redirectLoop: Handler = (req, res) => {
  res.writeHead(302, { location: req.url?.startsWith('/a') ? '/b' : '/a' });
  res.end();
};

/** Redirects `hops` times (/r/N → /r/N-1 ...), then answers healthy. */
export function redirectChain(hops: number): Handler {
  return (req, res) => {
    const match = /^\/r\/(\d+)/.exec(req.url ?? '');
    const left = match ? Number(match[1]) : hops;
    if (left > 0) {
      res.writeHead(301, { location: `/r/${left - 1}` });
      res.end();
    } else json(200, HEALTHY_BODY)(req, res);
  };
}

/** What django-health-check answers without `?format=json`. */
export const html: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    '<!DOCTYPE html>\n<html><head><title>System status</title></head><body><table></table></body></html>',
  );
};

/** Streams `bytes` bytes of a JSON-looking body. */
export function hugeBody(bytes: number): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('error', () => undefined);
    pump();
  };
}

/** 401 unless `Authorization: Bearer <token>`, then `handler`. */
export function requireToken(token: string, handler: Handler = json(200, HEALTHY_BODY)): Handler {
  return (req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end('invalid or missing health check token');
      return;
    }
    handler(req, res);
  };
}
