/**
 * One HTTP exchange of a probe, on node:http/node:tls directly: the probe needs the server
 * certificate (days to expiry, also of a rejected certificate), a hard cap on the body and a
 * guarantee that no request byte (and so no token) is written before the certificate is trusted.
 * A fresh connection per probe (no keep-alive): what is measured is what a new client sees.
 */
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import type { ProbeFailureReason } from './types';

export interface ExchangeRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  /** Read at most this many bytes of body; more marks the response `tooLarge`. */
  maxBodyBytes: number;
  /** False: stop after the status line and headers (format `status`). */
  readBody: boolean;
  caCertificate?: string;
}

export interface CertificateInfo {
  validTo: Date;
  subject: string;
}

export interface ExchangeResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  tooLarge: boolean;
  certificate?: CertificateInfo;
}

/** A failed exchange, already classified into a low-cardinality reason. */
export class ExchangeError extends Error {
  constructor(
    readonly reason: ProbeFailureReason,
    message: string,
    readonly certificate?: CertificateInfo,
  ) {
    super(message);
    this.name = 'ExchangeError';
  }
}

const CONNECTION_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'host name not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed by the server',
  ECONNABORTED: 'connection aborted',
  HPE_INVALID_CONSTANT: 'the server did not answer with HTTP',
};

function hostPort(url: URL): { host: string; port: number } {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { host, port };
}

/** Turns a socket/HTTP error into a classified `ExchangeError`. */
export function classifyNetworkError(error: unknown, url: URL, signal: AbortSignal): ExchangeError {
  if (error instanceof ExchangeError) return error;
  if (signal.aborted) return new ExchangeError('timeout', String(signal.reason ?? 'timed out'));
  const e = error as NodeJS.ErrnoException;
  const { host, port } = hostPort(url);
  const known = e.code ? CONNECTION_CODES[e.code] : undefined;
  if (known) return new ExchangeError('connection', `${known} (${host}:${port})`);
  if (e.code && /CERT|SSL|TLS|ERR_SSL|SELF_SIGNED|UNABLE_TO/i.test(e.code)) {
    return new ExchangeError('tls', `TLS handshake failed: ${e.code}`);
  }
  return new ExchangeError('connection', `${e.code ?? e.name ?? 'Error'}: ${e.message} (${host}:${port})`);
}

function certificateOf(socket: tls.TLSSocket): CertificateInfo | undefined {
  const peer = socket.getPeerCertificate();
  if (!peer || !peer.valid_to) return undefined;
  const subject = typeof peer.subject?.CN === 'string' ? peer.subject.CN : '';
  return { validTo: new Date(peer.valid_to), subject };
}

const contexts = new Map<string, tls.SecureContext>();
/**
 * One secure context per extra CA, made once per Lambda environment: building it parses every
 * root certificate, which costs more CPU than the handshake itself.
 */
function secureContextFor(caCertificate: string): tls.SecureContext {
  let context = contexts.get(caCertificate);
  if (!context) {
    context = tls.createSecureContext({ ca: [...tls.rootCertificates, caCertificate] });
    contexts.set(caCertificate, context);
  }
  return context;
}

/** Opens a TLS connection and refuses to go on unless the certificate chain and name are trusted. */
async function connectTls(url: URL, signal: AbortSignal, caCertificate?: string) {
  const { host, port } = hostPort(url);
  const socket = tls.connect({
    host,
    port,
    servername: net.isIP(host) ? undefined : host,
    // Verified below, after the certificate has been read (its expiry is reported even when rejected).
    rejectUnauthorized: false,
    ALPNProtocols: ['http/1.1'],
    ...(caCertificate ? { secureContext: secureContextFor(caCertificate) } : {}),
  });
  const onAbort = () => socket.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
      socket.once('close', () => reject(new Error('socket closed during the TLS handshake')));
    });
  } catch (error) {
    socket.destroy();
    throw classifyNetworkError(error, url, signal);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  socket.removeAllListeners('error');
  socket.removeAllListeners('close');
  const certificate = certificateOf(socket);
  if (!socket.authorized) {
    socket.destroy();
    const why = String(socket.authorizationError ?? 'unknown reason');
    const expired =
      why === 'CERT_HAS_EXPIRED' && certificate ? ` (expired ${certificate.validTo.toISOString()})` : '';
    throw new ExchangeError('tls', `certificate not trusted: ${why}${expired}`, certificate);
  }
  return { socket, certificate };
}

/** Sends one request and reads its response (no redirect handling). */
export async function exchange(request: ExchangeRequest): Promise<ExchangeResponse> {
  const { url, signal } = request;
  if (signal.aborted) throw classifyNetworkError(new Error('aborted'), url, signal);
  const { host, port } = hostPort(url);
  let tlsSocket: tls.TLSSocket | undefined;
  let certificate: CertificateInfo | undefined;
  if (url.protocol === 'https:') {
    ({ socket: tlsSocket, certificate } = await connectTls(url, signal, request.caCertificate));
  }
  return new Promise<ExchangeResponse>((resolve, reject) => {
    const fail = (error: unknown) => reject(classifyNetworkError(error, url, signal));
    const req = http.request({
      host,
      port,
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers: { host: url.host, 'user-agent': 'ops-sentinel-deep-healthcheck', ...request.headers },
      signal,
      // With `createConnection` and no agent, node uses the verified TLS socket as is.
      ...(tlsSocket ? { createConnection: () => tlsSocket } : { agent: false }),
    });
    req.once('error', fail);
    req.once('response', (res) => {
      const base = { status: res.statusCode ?? 0, headers: res.headers, certificate };
      if (!request.readBody || request.method === 'HEAD') {
        resolve({ ...base, body: Buffer.alloc(0), tooLarge: false });
        res.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > request.maxBodyBytes) {
          resolve({ ...base, body: Buffer.concat(chunks), tooLarge: true });
          res.destroy();
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.once('end', () => {
        resolve({ ...base, body: Buffer.concat(chunks), tooLarge: false });
        // One probe, one connection: nothing is left open while the Lambda environment sleeps.
        req.destroy();
      });
      res.once('error', fail);
      res.once('aborted', () => fail(new Error('response aborted')));
    });
    req.end();
  });
}
