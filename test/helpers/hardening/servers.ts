/**
 * Misbehaving local servers for fault injection: a TCP server that accepts and never answers
 * (a database that hangs), one that resets every connection, a closed port, and a ResponseURL
 * server that follows a script of resets and status codes.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Closable {
  port: number;
  close(): Promise<void>;
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function closer(server: net.Server, sockets: Set<net.Socket>) {
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

/** Accepts connections and never sends a byte. */
export async function hangingServer(): Promise<Closable> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  return { port: await listen(server), close: closer(server, sockets) };
}

/** Resets every connection as soon as it is accepted (ECONNRESET at the client). */
export async function resettingServer(): Promise<Closable & { connections: number }> {
  const sockets = new Set<net.Socket>();
  const state = { connections: 0 };
  const server = net.createServer((s) => {
    state.connections += 1;
    s.on('error', () => undefined);
    s.resetAndDestroy();
  });
  const port = await listen(server);
  return Object.assign(state, { port, close: closer(server, sockets) });
}

/** A port nothing listens on (connection refused). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export type Step = number | 'reset' | 'hang';

export interface ScriptedServer extends Closable {
  url(): string;
  /** Bodies of requests answered 2xx, parsed. */
  accepted: Array<Record<string, unknown>>;
  attempts: number;
  script(...steps: Step[]): void;
}

/** A CloudFormation ResponseURL stand-in that follows a script (then answers 200). */
export async function scriptedResponseServer(): Promise<ScriptedServer> {
  const steps: Step[] = [];
  const sockets = new Set<net.Socket>();
  const result = {
    accepted: [] as Array<Record<string, unknown>>,
    attempts: 0,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      result.attempts += 1;
      const step = steps.shift() ?? 200;
      if (step === 'reset') {
        req.socket.resetAndDestroy();
        return;
      }
      if (step === 'hang') return;
      if (step >= 200 && step < 300) result.accepted.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(step).end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listen(server);
  return Object.assign(result, {
    port,
    url: () =>
      `http://127.0.0.1:${port}/cloudformation-custom-resource-response-useast1/hard?X-Amz-Signature=abc&X-Amz-Expires=7200`,
    script: (...s: Step[]) => {
      steps.push(...s);
    },
    close: closer(server, sockets),
  });
}
