/**
 * A local HTTP server standing in for CloudFormation's pre-signed ResponseURL: it records every
 * request (method, headers, body) and answers with scripted status codes (e.g. 500, 500, then 200).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface ResponseServer {
  /** A URL on this server, with a query string like a pre-signed URL's. */
  url(name?: string): string;
  readonly requests: CapturedRequest[];
  /** The parsed JSON bodies of requests that got a 2xx. */
  accepted(): Array<Record<string, unknown>>;
  /** Statuses for the next requests, in order; afterwards 200. */
  script(...statuses: number[]): void;
  close(): Promise<void>;
}

export async function startResponseServer(): Promise<ResponseServer> {
  const requests: CapturedRequest[] = [];
  const statuses: number[] = [];
  const acceptedBodies: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const status = statuses.shift() ?? 200;
      if (status >= 200 && status < 300) acceptedBodies.push(body);
      res.writeHead(status).end(status === 200 ? '' : '<Error><Code>InternalError</Code></Error>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name = 'response') =>
      `http://127.0.0.1:${port}/cloudformation-custom-resource-response-useast1/${name}?X-Amz-Signature=abc123&X-Amz-Expires=7200`,
    requests,
    accepted: () => acceptedBodies.map((b) => JSON.parse(b) as Record<string, unknown>),
    script: (...s: number[]) => {
      statuses.push(...s);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
